package dev.docket.spi;

import dev.docket.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Cluster-wide queue state and maintenance. A paused queue is honoured by {@link JobStore#claim}
 * of every store instance at once (the claim checks it), not only by the node that paused it.
 * Thread-safe.
 */
public interface AdminStore {

  /** Pauses or resumes a queue. Idempotent. */
  void setPaused(String queue, boolean paused, String by, Instant now);

  /** The queues paused now. */
  Set<String> pausedQueues();

  /**
   * Deletes up to {@code limit} jobs in one of {@code statuses} (all terminal) that finished before
   * {@code finishedBefore}, with their history and approval requests, in one short transaction.
   *
   * @return how many were deleted; fewer than {@code limit} means none is left
   */
  int purge(Instant finishedBefore, Set<JobStatus> statuses, int limit);

  /** Jobs that reached a terminal state at or after {@code since}, counted by queue, function and state. */
  List<FinishedCount> finishedSince(Instant since);
}
