package dev.docket;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The id of a job: 1 to 128 characters of {@code [A-Za-z0-9._:-]}, either chosen by the client
 * (idempotent submit) or generated.
 *
 * @param value the id text
 */
public record JobId(String value) implements Comparable<JobId> {

  /** The last (milliseconds &lt;&lt; 12 | counter) handed out: keeps generated ids strictly rising. */
  private static final AtomicLong LAST = new AtomicLong();

  public JobId {
    Checks.id("jobId", value);
  }

  /** Parses an id; throws {@link InvalidRequestException} naming {@code jobId} when malformed. */
  public static JobId of(String value) {
    return new JobId(value);
  }

  /**
   * A fresh id: a time-ordered UUID (version 7, RFC 9562) in its usual text form. The first 48 bits
   * are the Unix time in milliseconds and the next 12 a counter, so ids from one JVM rise strictly
   * and ids from different nodes sort roughly by creation time; the last 62 bits are random (from
   * {@link UUID#randomUUID()}), which keeps ids from different nodes apart. Jobs submitted together
   * therefore sit next to each other in every index that contains the id (the primary key, the
   * history's {@code (job_id, seq)}), which keeps a batch's writes on a few index pages instead of
   * one page per job.
   */
  public static JobId random() {
    return random(java.time.Clock.systemUTC());
  }

  /** A fresh id as {@link #random()}, its time taken from {@code clock} (the engine's clock). */
  public static JobId random(java.time.Clock clock) {
    long now = clock.millis() << 12;
    long stamp = LAST.accumulateAndGet(now, (last, n) -> Math.max(last + 1, n));
    long msb = (stamp >>> 12) << 16 | 0x7000L | (stamp & 0xFFFL);
    long lsb = UUID.randomUUID().getLeastSignificantBits(); // carries the RFC 4122 variant bits
    return new JobId(new UUID(msb, lsb).toString());
  }

  @Override
  public int compareTo(JobId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
