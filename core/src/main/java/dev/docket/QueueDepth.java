package dev.docket;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How many unfinished jobs a queue holds, by state.
 *
 * @param queue the queue's name ({@code *} for a total over queues)
 * @param scheduled deferred or waiting for a retry
 * @param queued ready and waiting for a worker
 * @param running claimed by a worker
 * @param awaitingApproval waiting for a human decision
 * @param oldestQueuedAge how long the oldest ready job has waited since it became due
 */
public record QueueDepth(
    String queue,
    long scheduled,
    long queued,
    long running,
    long awaitingApproval,
    Optional<Duration> oldestQueuedAge) {

  public QueueDepth {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(oldestQueuedAge, "oldestQueuedAge");
  }

  /** An empty queue. */
  public static QueueDepth empty(String queue) {
    return new QueueDepth(queue, 0, 0, 0, 0, Optional.empty());
  }

  /** All unfinished jobs. */
  public long total() {
    return scheduled + queued + running + awaitingApproval;
  }

  /** The sum of two depths, keeping the older queued age, named {@code queue}. */
  public QueueDepth plus(String queue, QueueDepth other) {
    Optional<Duration> oldest =
        oldestQueuedAge.isEmpty()
            ? other.oldestQueuedAge
            : other.oldestQueuedAge.isEmpty()
                ? oldestQueuedAge
                : Optional.of(
                    oldestQueuedAge.get().compareTo(other.oldestQueuedAge.get()) >= 0
                        ? oldestQueuedAge.get()
                        : other.oldestQueuedAge.get());
    return new QueueDepth(
        queue,
        scheduled + other.scheduled,
        queued + other.queued,
        running + other.running,
        awaitingApproval + other.awaitingApproval,
        oldest);
  }
}
