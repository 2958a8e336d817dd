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
 * @param freshId the engine generated the id for this insert ({@link JobId#random()}), so no stored
 *     job can have it: a store may skip its existence check. False for a client's id (idempotent
 *     submit), which must be checked.
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
    Optional<NewApproval> approval,
    boolean freshId) {

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

  /** A job whose id may already be stored (checked by the insert). */
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
      Instant scheduledAt,
      Optional<NewApproval> approval) {
    this(id, function, queue, status, priority, args, maxAttempts, correlationId, owner, timeout,
        backoff, createdAt, scheduledAt, approval, false);
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
