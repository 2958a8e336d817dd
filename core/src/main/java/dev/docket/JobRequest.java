package dev.docket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What to run: a validated, immutable request to submit one job. Build it with {@link
 * #builder(String)}; every rule is checked in {@link Builder#build()}, so a request that exists is
 * well-formed (engine-level rules such as "the function is registered" and the args size bound are
 * checked at submit).
 *
 * @param function the handler name
 * @param args the handler's arguments (JSON; an empty object by default)
 * @param queue the queue, {@value #DEFAULT_QUEUE} by default
 * @param priority higher first; 0 by default
 * @param runAt run no earlier than this instant
 * @param delay run no earlier than this long after submit
 * @param jobId a client-chosen id: submitting it again returns the existing job
 * @param correlationId groups related jobs
 * @param maxAttempts attempts before the job fails for good; the engine default when empty
 * @param timeout how long one attempt may run; unlimited when empty
 * @param backoff retry delays for this job; the engine's policy when empty
 * @param approval when present, the job waits for a human's approval before it may run
 */
public record JobRequest(
    String function,
    JsonNode args,
    String queue,
    int priority,
    Optional<Instant> runAt,
    Optional<Duration> delay,
    Optional<JobId> jobId,
    Optional<String> correlationId,
    OptionalInt maxAttempts,
    Optional<Duration> timeout,
    Optional<Backoff> backoff,
    Optional<ApprovalSpec> approval) {

  /** The queue a request goes to when none is named. */
  public static final String DEFAULT_QUEUE = "default";

  /** Largest {@code maxAttempts} accepted. */
  public static final int MAX_ATTEMPTS_LIMIT = 1_000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public JobRequest {
    Checks.function("function", function);
    Objects.requireNonNull(args, "args");
    Checks.queue("queue", queue);
    Objects.requireNonNull(runAt, "runAt");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(maxAttempts, "maxAttempts");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(approval, "approval");
    if (runAt.isPresent() && delay.isPresent()) {
      throw new InvalidRequestException("delay", "cannot be combined with runAt; give one of them");
    }
    delay.ifPresent(
        d -> {
          if (d.isNegative()) {
            throw new InvalidRequestException("delay", "must not be negative, was " + d);
          }
        });
    correlationId.ifPresent(c -> Checks.id("correlationId", c));
    if (maxAttempts.isPresent()
        && (maxAttempts.getAsInt() < 1 || maxAttempts.getAsInt() > MAX_ATTEMPTS_LIMIT)) {
      throw new InvalidRequestException(
          "maxAttempts",
          "must be within 1.." + MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts.getAsInt());
    }
    timeout.ifPresent(
        t -> {
          if (t.isNegative() || t.isZero()) {
            throw new InvalidRequestException("timeout", "must be > 0, was " + t);
          }
        });
  }

  /** Starts a request for the handler named {@code function}. */
  public static Builder builder(String function) {
    return new Builder(function);
  }

  /** A request with just a function and its args, everything else by default. */
  public static JobRequest of(String function, JsonNode args) {
    return builder(function).args(args).build();
  }

  /** Builds a {@link JobRequest}. Not thread-safe; {@link #build()} validates every field. */
  public static final class Builder {
    private final String function;
    private JsonNode args = JsonNodeFactory.instance.objectNode();
    private String queue = DEFAULT_QUEUE;
    private int priority;
    private @Nullable Instant runAt;
    private @Nullable Duration delay;
    private @Nullable JobId jobId;
    private @Nullable String correlationId;
    private @Nullable Integer maxAttempts;
    private @Nullable Duration timeout;
    private @Nullable Backoff backoff;
    private @Nullable ApprovalSpec approval;

    private Builder(String function) {
      this.function = function;
    }

    /** The arguments as a JSON tree. */
    public Builder args(JsonNode args) {
      this.args = Objects.requireNonNull(args, "args").deepCopy();
      return this;
    }

    /**
     * The arguments as JSON text.
     *
     * @throws InvalidRequestException naming {@code args} when the text is not JSON
     */
    public Builder args(String json) {
      Objects.requireNonNull(json, "args");
      try {
        JsonNode node = MAPPER.readTree(json);
        if (node == null || node.isMissingNode()) {
          throw new InvalidRequestException("args", "is empty; give JSON such as {}");
        }
        this.args = node;
      } catch (JsonProcessingException e) {
        throw new InvalidRequestException(
            "args", "is not valid JSON: " + e.getOriginalMessage());
      }
      return this;
    }

    /**
     * The arguments as any value Jackson can turn into JSON (a record, a map…).
     *
     * @throws InvalidRequestException naming {@code args} when it cannot be converted
     */
    public Builder argsFrom(Object value) {
      Objects.requireNonNull(value, "args");
      try {
        this.args = MAPPER.valueToTree(value);
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("args", "cannot be converted to JSON: " + e.getMessage());
      }
      return this;
    }

    /** The queue, {@value JobRequest#DEFAULT_QUEUE} by default; {@code [a-z0-9_-]{1,64}}. */
    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    /** Higher runs first among due jobs of one queue; 0 by default. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** Run no earlier than {@code runAt}. */
    public Builder runAt(Instant runAt) {
      this.runAt = Objects.requireNonNull(runAt, "runAt");
      return this;
    }

    /** Run no earlier than {@code delay} after the submit. */
    public Builder delay(Duration delay) {
      this.delay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /** A client-chosen id, making the submit idempotent. */
    public Builder jobId(String jobId) {
      this.jobId = JobId.of(jobId);
      return this;
    }

    /** A client-chosen id, making the submit idempotent. */
    public Builder jobId(JobId jobId) {
      this.jobId = Objects.requireNonNull(jobId, "jobId");
      return this;
    }

    /** Groups this job with others; 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
    public Builder correlationId(String correlationId) {
      this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
      return this;
    }

    /** Attempts before the job fails for good, 1..{@value JobRequest#MAX_ATTEMPTS_LIMIT}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** How long one attempt may run before it is interrupted and counted as failed. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Retry delays of this job, overriding the engine's default backoff. */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Makes the job wait for a human's approval ({@link JobStatus#AWAITING_APPROVAL}) before it
     * may run; see {@link HitlGate}.
     */
    public Builder approval(ApprovalSpec approval) {
      this.approval = Objects.requireNonNull(approval, "approval");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidRequestException naming the first offending field
     */
    public JobRequest build() {
      return new JobRequest(
          function,
          args,
          queue,
          priority,
          Optional.ofNullable(runAt),
          Optional.ofNullable(delay),
          Optional.ofNullable(jobId),
          Optional.ofNullable(correlationId),
          maxAttempts == null ? OptionalInt.empty() : OptionalInt.of(maxAttempts),
          Optional.ofNullable(timeout),
          Optional.ofNullable(backoff),
          Optional.ofNullable(approval));
    }
  }
}
