package dev.docket.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.ApprovalId;
import dev.docket.Backoff;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.spi.NewApproval;
import dev.docket.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Object mother for jobs: {@code Jobs.aJob().queue("mail").priority(5).build()}. */
public final class Jobs {

  private static final AtomicLong SEQ = new AtomicLong();

  private Jobs() {}

  public static Builder aJob() {
    return new Builder();
  }

  /** Builds a {@link NewJob} with sensible defaults: a unique id, queued now. */
  public static final class Builder {
    private JobId id = JobId.of("job-" + SEQ.incrementAndGet() + "-" + System.nanoTime());
    private boolean freshId;
    private String function = "noop";
    private String queue = "default";
    private JobStatus status = JobStatus.QUEUED;
    private int priority;
    private JsonNode args = JsonNodeFactory.instance.objectNode().put("n", SEQ.get());
    private int maxAttempts = 3;
    private Optional<String> correlationId = Optional.empty();
    private String owner = "alice";
    private Optional<Duration> timeout = Optional.empty();
    private Optional<Backoff> backoff = Optional.empty();
    private Instant createdAt = MutableClock.DEFAULT_START;
    private Instant scheduledAt = MutableClock.DEFAULT_START;
    private Optional<NewApproval> approval = Optional.empty();

    public Builder id(String id) {
      this.id = JobId.of(id);
      return this;
    }

    public Builder function(String function) {
      this.function = function;
      return this;
    }

    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    public Builder status(JobStatus status) {
      this.status = status;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder args(JsonNode args) {
      this.args = args;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder correlationId(String correlationId) {
      this.correlationId = Optional.of(correlationId);
      return this;
    }

    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(timeout);
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = Optional.of(backoff);
      return this;
    }

    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      if (scheduledAt.isBefore(createdAt)) {
        this.scheduledAt = createdAt;
      }
      return this;
    }

    /** Due at {@code at}; {@code SCHEDULED} when that is after the creation time. */
    public Builder dueAt(Instant at) {
      this.scheduledAt = at;
      this.status = at.isAfter(createdAt) ? JobStatus.SCHEDULED : JobStatus.QUEUED;
      return this;
    }

    /** Awaiting approval, with a fresh request id, no expiry and these named approvers. */
    public Builder awaitingApproval(String reason, String... approvers) {
      return approval(new NewApproval(ApprovalId.random(), reason, Set.of(approvers), Optional.empty()));
    }

    /** Awaiting approval with this request (due time unchanged). */
    public Builder approval(NewApproval approval) {
      this.approval = Optional.of(approval);
      this.status = JobStatus.AWAITING_APPROVAL;
      return this;
    }

    /** A generated id, as the engine's: stored without an existence check where the store can. */
    public Builder freshId() {
      this.id = JobId.random();
      this.freshId = true;
      return this;
    }

    public NewJob build() {
      return new NewJob(
          id,
          function,
          queue,
          status,
          priority,
          args,
          maxAttempts,
          correlationId,
          owner,
          timeout,
          backoff,
          createdAt,
          scheduledAt,
          approval,
          freshId);
    }
  }
}
