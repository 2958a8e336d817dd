package dev.docket;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cluster-wide administration: queue pause and resume, purge, nodes, the dead-letter set and
 * metrics. Every operation needs the {@link Role#ADMIN} role ({@link AccessDeniedException}
 * otherwise); {@link Docket#admin()} acts as trusted host code. Thread-safe.
 */
public interface QueueAdmin {

  /**
   * Pauses a queue on every node sharing the store: no node claims from it until resumed; jobs
   * already running finish. Idempotent; any valid queue name may be paused.
   *
   * @throws InvalidRequestException naming {@code queue} when the name is malformed
   */
  QueueInfo pause(String queue);

  /** Resumes a paused queue on every node. Idempotent. */
  QueueInfo resume(String queue);

  /** Whether a queue is paused. */
  boolean isPaused(String queue);

  /** The queues paused now, by name. */
  java.util.Set<String> pausedQueues();

  /**
   * The queues known to the cluster: those with workers on a registered node, those with
   * unfinished jobs and those paused, by name.
   */
  List<QueueInfo> queues();

  /** The registered nodes with their last heartbeat and busy / total workers, by id. */
  List<NodeStatus> nodes();

  /**
   * Deletes finished jobs (and their history and approval requests) that finished more than
   * {@code olderThan} ago, in batches of {@value #PURGE_BATCH} (each its own short transaction).
   *
   * @param statuses which terminal states to purge; all terminal states when empty
   * @return how many jobs were deleted
   * @throws InvalidRequestException naming {@code statuses} for a non-terminal state, or {@code
   *     olderThan} when negative
   */
  long purge(Duration olderThan, Set<JobStatus> statuses);

  /** The dead-letter set: failed jobs, newest first, each with its last error. */
  Page<Job> deadLetters(Optional<Cursor> cursor, int limit);

  /** A metrics snapshot over the engine's default window. */
  MetricsSnapshot metrics();

  /**
   * A metrics snapshot over {@code window}.
   *
   * @throws InvalidRequestException naming {@code window} outside 1 s .. 60 min
   */
  MetricsSnapshot metrics(Duration window);

  /** Jobs one purge batch deletes at most. */
  int PURGE_BATCH = 1_000;
}
