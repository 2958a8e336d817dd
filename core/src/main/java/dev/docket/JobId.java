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
   * a {@link java.security.SecureRandom}), which keeps ids from different nodes apart. Jobs submitted together
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
    long lsb = RandomBits.next() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L; // RFC 9562 variant
    return new JobId(new UUID(msb, lsb).toString());
  }

  /**
   * The random part of generated ids: from a {@link java.security.SecureRandom}, as {@link
   * UUID#randomUUID()}'s, but drawn 64 longs at a time into a per-thread buffer, so that a batch of
   * a thousand ids takes 16 draws instead of a thousand calls on the JDK's one shared generator.
   */
  private static final class RandomBits {
    private static final java.security.SecureRandom SOURCE = new java.security.SecureRandom();
    private static final int BATCH = 64;
    private static final ThreadLocal<RandomBits> LOCAL = ThreadLocal.withInitial(RandomBits::new);
    private final java.nio.ByteBuffer bits = java.nio.ByteBuffer.allocate(BATCH * Long.BYTES).position(BATCH * Long.BYTES);

    static long next() {
      RandomBits r = LOCAL.get();
      if (!r.bits.hasRemaining()) {
        SOURCE.nextBytes(r.bits.array());
        r.bits.clear();
      }
      return r.bits.getLong();
    }
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
