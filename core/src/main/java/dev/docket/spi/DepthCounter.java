package dev.docket.spi;

import dev.docket.JobStatus;
import dev.docket.QueueDepth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Adds up unfinished jobs per queue and state into {@link QueueDepth}s, for stores that count row
 * by row or group by group. Not thread-safe; one per {@link JobStore#depth} call.
 */
public final class DepthCounter {

  private final Map<String, long[]> counts = new TreeMap<>();
  private final Map<String, Instant> oldestQueued = new TreeMap<>();

  /**
   * Counts {@code n} jobs of {@code queue} in {@code status}; finished states are ignored.
   *
   * @param oldestDue for {@code QUEUED}, the earliest due time among them
   */
  public DepthCounter add(String queue, JobStatus status, long n, Optional<Instant> oldestDue) {
    int slot =
        switch (status) {
          case SCHEDULED -> 0;
          case QUEUED -> 1;
          case RUNNING -> 2;
          case AWAITING_APPROVAL -> 3;
          default -> -1;
        };
    if (slot < 0) {
      return this;
    }
    counts.computeIfAbsent(queue, q -> new long[4])[slot] += n;
    if (status == JobStatus.QUEUED) {
      oldestDue.ifPresent(t -> oldestQueued.merge(queue, t, (a, b) -> a.isBefore(b) ? a : b));
    }
    return this;
  }

  /** The depths, by queue name; the oldest queued age is measured up to {@code now}. */
  public List<QueueDepth> result(Instant now) {
    List<QueueDepth> out = new ArrayList<>();
    counts.forEach(
        (q, c) ->
            out.add(
                new QueueDepth(
                    q,
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    Optional.ofNullable(oldestQueued.get(q))
                        .map(t -> t.isAfter(now) ? Duration.ZERO : Duration.between(t, now)))));
    return out;
  }
}
