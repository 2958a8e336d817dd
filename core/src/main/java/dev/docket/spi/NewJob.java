package dev.docket.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.Backoff;
import dev.docket.JobId;
import dev.docket.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A job to insert, fully resolved by the engine (defaults applied, due time computed).
 *
 * @param status {@link JobStatus#SCHEDULED}, {@link JobStatus#QUEUED} or {@link
 *     JobStatus#AWAITING_APPROVAL}
 * @param approval the approval request stored with it; present exactly when the status is {@link
 *     JobStatus#AWAITING_APPROVAL}
 */
public record NewJob(
    JobId id,
    String function,
    String queue,
    JobStatus status,
    int priority,
    JsonNode args,
    int maxAttempts,
    Optional<String> correlationId,
    String owner,
    Optional<Duration> timeout,
    Optional<Backoff> backoff,
    Instant createdAt,
    Instant scheduledAt,
    Optional<NewApproval> approval) {

  public NewJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(scheduledAt, "scheduledAt");
    JobStatus.check(id, null, status);
    Objects.requireNonNull(approval, "approval");
    if (approval.isPresent() != (status == JobStatus.AWAITING_APPROVAL)) {
      throw new IllegalArgumentException("a job awaits approval exactly when it has an approval request");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  /** A job without approval. */
  public NewJob(
      JobId id,
      String function,
      String queue,
      JobStatus status,
      int priority,
      JsonNode args,
      int maxAttempts,
      Optional<String> correlationId,
      String owner,
      Optional<Duration> timeout,
      Optional<Backoff> backoff,
      Instant createdAt,
      Instant scheduledAt) {
    this(id, function, queue, status, priority, args, maxAttempts, correlationId, owner, timeout,
        backoff, createdAt, scheduledAt, Optional.empty());
  }
}
