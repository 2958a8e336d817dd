package dev.docket;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of a job as the store last saw it. Only stores change a job's state; to
 * see a newer state, read it again.
 *
 * <p>The {@code args} and {@code result} nodes belong to this snapshot: do not modify them.
 *
 * @param id the job's id
 * @param function the handler name
 * @param queue the queue it runs in
 * @param status the current state
 * @param priority higher runs first among due jobs of one queue
 * @param args the handler's arguments
 * @param result what the handler returned, once it succeeded
 * @param error why the last attempt failed, if it did
 * @param attempts attempts started so far (0 before the first)
 * @param maxAttempts attempts allowed before the job fails for good
 * @param correlationId groups related jobs (a scheduled task's fires carry the task id)
 * @param owner the id of the principal that submitted it
 * @param timeout how long one attempt may run
 * @param backoff retry delays of this job, when it overrides the engine's policy
 * @param cancelRequested a cancel was asked for while the job ran; it stops cooperatively
 * @param createdAt when it was submitted
 * @param scheduledAt when it is (or was) due to run
 * @param startedAt when the current or last attempt started
 * @param finishedAt when it reached a terminal state
 * @param node the node running it, while it runs
 */
public record Job(
    JobId id,
    String function,
    String queue,
    JobStatus status,
    int priority,
    JsonNode args,
    Optional<JsonNode> result,
    Optional<JobError> error,
    int attempts,
    int maxAttempts,
    Optional<String> correlationId,
    String owner,
    Optional<Duration> timeout,
    Optional<Backoff> backoff,
    boolean cancelRequested,
    Instant createdAt,
    Instant scheduledAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<NodeId> node) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(scheduledAt, "scheduledAt");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(node, "node");
  }

  /** Whether the job reached a terminal state. */
  public boolean isFinished() {
    return status.isTerminal();
  }

  /** Whether another attempt is allowed after the current one. */
  public boolean hasAttemptsLeft() {
    return attempts < maxAttempts;
  }
}
