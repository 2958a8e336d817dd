package dev.docket.internal.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.ActionRegistry;
import dev.docket.InvalidRequestException;
import dev.docket.JobContext;
import dev.docket.JobError;
import dev.docket.JobHandler;
import dev.docket.JobId;
import dev.docket.TaskId;
import dev.docket.UnknownActionException;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the action of a scheduled task's fire. The scheduler enqueues each fire as a job whose
 * function is the action name, whose correlation id is the task id and whose id is {@link
 * #fireJobId(TaskId, Instant)}; this handler looks the action up by the function name, checks the
 * arguments again and runs it.
 *
 * <p>A fire fails, visibly and without harm to anything else, when its action is not registered
 * ({@link UnknownActionException}) or its arguments no longer pass ({@link
 * InvalidRequestException} naming {@code args.<path>}). Neither can be mended by a retry: a retry
 * policy can tell them apart with {@link #isPermanent(JobError)}.
 *
 * <p>Thread-safe: one instance serves every fire.
 */
public final class ActionJobHandler implements JobHandler {

  private static final Logger log = LoggerFactory.getLogger(ActionJobHandler.class);

  private static final String MINUTE_PATTERN = "uuuu-MM-dd'T'HH:mm'Z'";
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern(MINUTE_PATTERN, Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern FIRE_ID =
      Pattern.compile("(.+):(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z)");
  private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:00Z");

  private final ActionRegistry registry;

  public ActionJobHandler(ActionRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The job id of a task's fire: {@code <taskId>:<fire time as yyyy-MM-dd'T'HH:mm'Z' in UTC>}, for
   * example {@code tsk_abc123:2026-12-01T09:00Z}. Submitting with it makes a fire idempotent.
   *
   * @param fireTime a whole minute in the years 0000 to 9999
   * @throws IllegalArgumentException when the fire time has seconds or is out of range
   */
  public static JobId fireJobId(TaskId taskId, Instant fireTime) {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(fireTime, "fireTime");
    if (!fireTime.truncatedTo(ChronoUnit.MINUTES).equals(fireTime)) {
      throw new IllegalArgumentException("fire time " + fireTime + " is not a whole minute");
    }
    if (fireTime.isBefore(FIRST) || fireTime.isAfter(LAST)) {
      throw new IllegalArgumentException("fire time " + fireTime + " is outside years 0000-9999");
    }
    return JobId.of(taskId.value() + ":" + MINUTE.format(fireTime.atOffset(ZoneOffset.UTC)));
  }

  /**
   * The fire time encoded in a fire's job id; the inverse of {@link #fireJobId(TaskId, Instant)}.
   *
   * @throws InvalidRequestException naming {@code jobId} when the id is not a fire's
   */
  public static Instant fireTimeOf(JobId jobId) {
    return LocalDateTime.parse(parse(jobId).group(2), MINUTE).toInstant(ZoneOffset.UTC);
  }

  /**
   * The task id encoded in a fire's job id.
   *
   * @throws InvalidRequestException naming {@code jobId} when the id is not a fire's
   */
  public static TaskId taskIdOf(JobId jobId) {
    return TaskId.of(parse(jobId).group(1));
  }

  private static Matcher parse(JobId jobId) {
    Objects.requireNonNull(jobId, "jobId");
    Matcher m = FIRE_ID.matcher(jobId.value());
    if (m.matches()) {
      try {
        LocalDateTime.parse(m.group(2), MINUTE);
        if (m.group(1).length() <= TaskId.MAX_LENGTH) {
          return m;
        }
      } catch (DateTimeParseException e) {
        // reported below with the expected shape
      }
    }
    throw new InvalidRequestException(
        "jobId",
        "'"
            + jobId
            + "' is not the id of a task's fire; expected <taskId>:<"
            + MINUTE_PATTERN
            + "> in UTC, as tsk_abc123:2026-12-01T09:00Z");
  }

  /**
   * Whether a failure is one a retry cannot mend: the fire's action is not registered or its
   * arguments (or ids) are invalid.
   */
  public static boolean isPermanent(JobError error) {
    Objects.requireNonNull(error, "error");
    return error.type().equals(UnknownActionException.class.getName())
        || error.type().equals(InvalidRequestException.class.getName());
  }

  @Override
  public @Nullable Object handle(JobContext ctx) throws Exception {
    Objects.requireNonNull(ctx, "ctx");
    Optional<Action> found = registry.find(ctx.function());
    if (found.isEmpty()) {
      log.warn(
          "job {}: action {} is not registered on this node; this fire fails",
          ctx.jobId(),
          ctx.function());
      throw new UnknownActionException(ctx.function(), registry.names());
    }
    Action action = found.get();
    TaskId taskId = taskId(ctx);
    Instant fireTime = fireTimeOf(ctx.jobId());
    Actions.check(action, ctx.args());
    ctx.checkCancelled();
    log.debug(
        "job {}: task {} runs action {} for its fire at {}",
        ctx.jobId(),
        taskId,
        action.name(),
        fireTime);
    return action.run(new Fire(taskId, fireTime, ctx));
  }

  private static TaskId taskId(JobContext ctx) {
    String correlation =
        ctx.correlationId()
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "correlationId",
                        "is missing; the job of a task's fire carries the task id as its"
                            + " correlation id"));
    TaskId taskId = TaskId.of(correlation);
    TaskId fromJobId = taskIdOf(ctx.jobId());
    if (!taskId.equals(fromJobId)) {
      throw new InvalidRequestException(
          "jobId",
          "'" + ctx.jobId() + "' is a fire of task " + fromJobId + ", not of task " + taskId);
    }
    return taskId;
  }

  /** The context of one fire, a view over its job's context. */
  private record Fire(TaskId taskId, Instant fireTime, JobContext job) implements ActionContext {

    @Override
    public JsonNode args() {
      return job.args();
    }

    @Override
    public <T> T args(Class<T> type) {
      return job.args(type);
    }

    @Override
    public String owner() {
      return job.owner();
    }
  }
}
