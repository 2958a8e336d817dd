package dev.docket.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.ActionRegistry;
import dev.docket.CronSchedule;
import dev.docket.Cursor;
import dev.docket.InvalidRequestException;
import dev.docket.JobStatus;
import dev.docket.MisfirePolicy;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.ScheduledTask;
import dev.docket.TaskId;
import dev.docket.TaskNotFoundException;
import dev.docket.TaskSpec;
import dev.docket.TaskUpdate;
import dev.docket.internal.action.ActionJobHandler;
import dev.docket.internal.json.Json;
import dev.docket.internal.security.Access;
import dev.docket.spi.FirePlan;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.Fired;
import dev.docket.spi.NewJob;
import dev.docket.spi.NewTask;
import dev.docket.spi.ScheduleStore;
import dev.docket.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled tasks: validated create and update, scoped reads, and {@link #fireOnce()}, the step
 * that turns due fire times into jobs (exactly once across nodes: the store claims each fire).
 * Thread-safe.
 */
public final class ScheduleService {

  private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);

  /** Most fires one step carries out. */
  public static final int FIRE_BATCH = 500;
  /**
   * How long before its time a fire is carried out on a node that runs the fires' queue: its job
   * is then stored ready but due at the fire time, so no claim takes it earlier, and at that time
   * it costs only its claim (10,000 tasks firing at one minute take seconds to enqueue on a 2-core
   * machine; the minute should not wait for that). A node that does not run that queue fires at
   * the time itself, so that the nodes that do are woken when the job is due.
   */
  public static final Duration FIRE_AHEAD = Duration.ofSeconds(5);
  /**
   * A fire later than this counts as missed (downtime): {@link MisfirePolicy#SKIP} tasks then skip
   * it. Under it, every fire runs whatever the policy.
   */
  public static final Duration MISFIRE_THRESHOLD = Duration.ofMinutes(1);
  /** Parsed crontabs kept; past it the cache starts over. */
  private static final int CACHE_LIMIT = 20_000;

  private final Store store;
  private final Clock clock;
  private final ActionRegistry actions;
  private final String queue;
  private final int maxAttempts;
  private final int maxArgsBytes;
  private final Consumer<ScheduleStore.FireResult> onFired;
  private final Supplier<Duration> ahead;
  private final Function<Instant, @Nullable ClaimRequest> hold;
  private final Map<String, CronSchedule> parsed = new ConcurrentHashMap<>();

  public ScheduleService(
      Store store,
      Clock clock,
      ActionRegistry actions,
      String queue,
      int maxAttempts,
      int maxArgsBytes,
      Supplier<Duration> ahead,
      Function<Instant, @Nullable ClaimRequest> hold,
      Consumer<ScheduleStore.FireResult> onFired) {
    this.store = store;
    this.clock = clock;
    this.actions = actions;
    this.queue = queue;
    this.maxAttempts = maxAttempts;
    this.maxArgsBytes = maxArgsBytes;
    this.onFired = onFired;
    this.ahead = ahead;
    this.hold = hold;
  }

  // ------------------------------------------------------------------ the API

  public ScheduledTask create(Principal p, TaskSpec spec) {
    Access.requireSubmit(p);
    checkArgs(spec.action(), spec.args());
    Instant now = clock.instant();
    Optional<Instant> next =
        spec.enabled() ? spec.schedule().nextFireTime(spec.timezone(), now) : Optional.empty();
    ScheduledTask t =
        store
            .schedules()
            .insert(
                new NewTask(
                    TaskId.random(),
                    spec.name(),
                    spec.schedule().expression(),
                    spec.timezone(),
                    spec.action(),
                    spec.args(),
                    spec.enabled(),
                    spec.misfirePolicy(),
                    p.id(),
                    now,
                    next));
    log.info("scheduled task {} '{}' created by {}: '{}' in {}, next {}", t.id(), t.name(), p.id(), t.schedule(), t.timezone(), next.map(Instant::toString).orElse("never"));
    return t;
  }

  private void checkArgs(String action, JsonNode args) {
    if (!args.isObject()) {
      throw new InvalidRequestException("args", "must be a JSON object, was " + args.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (!Json.fitsIn(args, maxArgsBytes)) {
      throw new InvalidRequestException("args", "is " + Json.sizeInBytes(args) + " bytes of JSON, more than the limit of " + maxArgsBytes);
    }
    actions.validate(action, args);
  }

  public ScheduledTask update(Principal p, TaskId id, TaskUpdate u) {
    get(p, id);
    Optional<ScheduledTask> after =
        store
            .schedules()
            .update(
                id,
                current -> {
                  if (!Access.canSee(p, current)) {
                    throw new TaskNotFoundException(id);
                  }
                  return merge(current, u);
                });
    ScheduledTask t = after.orElseThrow(() -> new TaskNotFoundException(id));
    log.info("scheduled task {} updated by {}: next {}", id, p.id(), t.nextRunAt().map(Instant::toString).orElse("never"));
    return t;
  }

  private ScheduledTask merge(ScheduledTask c, TaskUpdate u) {
    String action = u.action().orElse(c.action());
    JsonNode args = u.args().orElse(c.args());
    if (u.argsPatch().isPresent()) {
      // applied here, inside the store's update of the row: concurrent patches do not lose keys
      args = dev.docket.internal.json.Json.mergePatch(args, u.argsPatch().get());
      if (!args.isObject()) {
        throw new InvalidRequestException("args", "must stay a JSON object after the merge patch");
      }
    }
    if (u.action().isPresent() || u.args().isPresent() || u.argsPatch().isPresent()) {
      checkArgs(action, args);
    }
    CronSchedule cron = u.schedule().orElseGet(() -> cron(c.schedule()));
    ZoneId zone = u.timezone().orElse(c.timezone());
    boolean enabled = u.enabled().orElse(c.enabled());
    boolean timing = u.schedule().isPresent() || u.timezone().isPresent() || (enabled && !c.enabled());
    Instant now = clock.instant();
    Optional<Instant> next;
    if (!enabled) {
      next = Optional.empty();
    } else if (timing || c.nextRunAt().isEmpty()) {
      next = cron.nextFireTime(zone, now);
    } else {
      next = c.nextRunAt();
    }
    return new ScheduledTask(
        c.id(),
        u.name().orElse(c.name()),
        cron.expression(),
        zone,
        action,
        args,
        enabled,
        u.misfirePolicy().orElse(c.misfirePolicy()),
        c.owner(),
        c.createdAt(),
        now,
        next,
        c.lastRunAt(),
        c.lastJobId(),
        c.lastStatus());
  }

  public void delete(Principal p, TaskId id) {
    get(p, id);
    if (!store.schedules().delete(id)) {
      throw new TaskNotFoundException(id);
    }
    log.info("scheduled task {} deleted by {}", id, p.id());
  }

  public Optional<ScheduledTask> find(Principal p, TaskId id) {
    return store.schedules().find(id).filter(t -> Access.canSee(p, t));
  }

  public ScheduledTask get(Principal p, TaskId id) {
    return find(p, id).orElseThrow(() -> new TaskNotFoundException(id));
  }

  public Page<ScheduledTask> list(Principal p, Optional<Cursor> cursor, int limit) {
    Page.checkLimit(limit);
    return store.schedules().list(Access.ownerScope(p), cursor, limit);
  }

  public List<Instant> nextFireTimes(Principal p, TaskId id, int count) {
    ScheduledTask t = get(p, id);
    return cron(t.schedule()).nextFireTimes(t.timezone(), clock.instant(), count);
  }

  // ------------------------------------------------------------------ firing

  /**
   * Fires the tasks due within {@link #ahead()}; returns how many fires were carried out (skips
   * included). Where the engine asks for it ({@code hold}), the store stores some of the fires'
   * jobs claimed by this node, which starts them at their time without a claim then.
   */
  public int fireOnce() {
    Instant now = clock.instant();
    @Nullable ClaimRequest h = hold.apply(now);
    ScheduleStore.FireResult result =
        h == null
            ? new ScheduleStore.FireResult(
                store.schedules().fireDue(now.plus(ahead()), FIRE_BATCH, t -> plan(t, now)), List.of())
            : store.schedules().fireDueAndHold(now.plus(ahead()), FIRE_BATCH, t -> plan(t, now), h);
    List<Fired> fired = result.fired();
    if (!fired.isEmpty()) {
      for (Fired f : fired) {
        if (f.job().isEmpty()) {
          log.info("scheduled task {}: missed fire {} skipped (misfire policy SKIP); next {}", f.task().id(), f.fireTime(), f.task().nextRunAt().map(Instant::toString).orElse("never"));
        } else {
          log.debug("scheduled task {}: fire {} enqueued job {}", f.task().id(), f.fireTime(), f.job().get().id());
        }
      }
      onFired.accept(result);
    }
    return fired.size();
  }

  /** How long before its time this node carries out a fire: {@link #FIRE_AHEAD} or zero. */
  public Duration ahead() {
    return ahead.get();
  }

  /** The earliest next fire time among enabled tasks. */
  public Optional<Instant> nextDue() {
    return store.schedules().nextDue();
  }

  private FirePlan plan(ScheduledTask t, Instant now) {
    try {
      return planOrThrow(t, now);
    } catch (RuntimeException e) {
      // one broken task must not hold up the others: it stops firing, visibly
      log.error("scheduled task {}: cannot plan its fire at {}; it stops firing until updated", t.id(), t.nextRunAt(), e);
      return new FirePlan(Optional.empty(), Optional.empty());
    }
  }

  private FirePlan planOrThrow(ScheduledTask t, Instant now) {
    Instant fireTime = t.nextRunAt().orElseThrow();
    Optional<Instant> next;
    try {
      next = cron(t.schedule()).nextFireTime(t.timezone(), now.isAfter(fireTime) ? now : fireTime);
    } catch (RuntimeException e) {
      log.error("scheduled task {}: cannot compute its next fire time from '{}'; it stops firing", t.id(), t.schedule(), e);
      next = Optional.empty();
    }
    boolean missed = Duration.between(fireTime, now).compareTo(MISFIRE_THRESHOLD) > 0;
    if (missed) {
      log.warn("scheduled task {}: fire {} missed by {} (downtime?); policy {}", t.id(), fireTime, Duration.between(fireTime, now), t.misfirePolicy());
      if (t.misfirePolicy() == MisfirePolicy.SKIP) {
        return new FirePlan(Optional.empty(), next);
      }
    }
    NewJob job =
        new NewJob(
            ActionJobHandler.fireJobId(t.id(), fireTime),
            t.action(),
            queue,
            JobStatus.QUEUED,
            0,
            t.args(),
            maxAttempts,
            Optional.of(t.id().value()),
            t.owner(),
            Optional.empty(),
            Optional.empty(),
            now,
            fireTime.isAfter(now) ? fireTime : now); // ready, but no claim takes it before its time
    return new FirePlan(Optional.of(job), next);
  }

  private CronSchedule cron(String expression) {
    CronSchedule c = parsed.get(expression);
    if (c == null) {
      if (parsed.size() >= CACHE_LIMIT) {
        parsed.clear();
      }
      c = CronSchedule.parse(expression);
      parsed.put(expression, c);
    }
    return c;
  }

}
