package dev.docket.internal.admin;

import dev.docket.Percentiles;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A sparse log-scale histogram of durations: buckets 2 % wide from 1 µs up, so a percentile is
 * within 2 % of the true value (and exact when every sample is the same, through the min / max
 * clamp). Memory is bounded by the number of distinct buckets hit (about 1,300 up to a day). Not
 * thread-safe: the recorder guards it.
 */
final class Histogram {

  private static final double RATIO = 1.02;
  private static final double LOG_RATIO = Math.log(RATIO);

  private final TreeMap<Integer, Long> buckets = new TreeMap<>();
  private long count;
  private long minMicros = Long.MAX_VALUE;
  private long maxMicros = Long.MIN_VALUE;

  void record(long micros) {
    long v = Math.max(0, micros);
    buckets.merge(index(v), 1L, Long::sum);
    count++;
    minMicros = Math.min(minMicros, v);
    maxMicros = Math.max(maxMicros, v);
  }

  void addAll(Histogram other) {
    other.buckets.forEach((k, n) -> buckets.merge(k, n, Long::sum));
    count += other.count;
    minMicros = Math.min(minMicros, other.minMicros);
    maxMicros = Math.max(maxMicros, other.maxMicros);
  }

  long count() {
    return count;
  }

  private static int index(long micros) {
    return micros < 1 ? 0 : 1 + (int) Math.floor(Math.log(micros) / LOG_RATIO);
  }

  /** The middle of a bucket, in microseconds. */
  private static double value(int index) {
    if (index == 0) {
      return 0;
    }
    double low = Math.pow(RATIO, index - 1);
    return low * Math.sqrt(RATIO);
  }

  /** The value at quantile {@code q} (0..1), in microseconds. */
  Optional<Double> quantileMicros(double q) {
    if (count == 0) {
      return Optional.empty();
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        double v = Math.min(Math.max(value(e.getKey()), minMicros), maxMicros);
        return Optional.of(v);
      }
    }
    return Optional.of((double) maxMicros);
  }

  Percentiles percentilesMs() {
    return new Percentiles(count, ms(0.50), ms(0.95), ms(0.99));
  }

  private Optional<Double> ms(double q) {
    return quantileMicros(q).map(us -> us / 1000.0);
  }
}
