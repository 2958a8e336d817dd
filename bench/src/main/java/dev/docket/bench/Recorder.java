package dev.docket.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts what the handlers of every system ran during one measured run. Each job carries its index
 * 0..n-1; {@link #hit(int)} is called first thing in the handler. Peers that instantiate their job
 * classes themselves (Quartz, JobRunr) reach the recorder of the current run through {@link
 * #current()}.
 */
public final class Recorder {

  private static volatile Recorder current = new Recorder(0);

  private final int n;
  private final AtomicLongArray startNanos;
  private final CountDownLatch allStarted;
  private final AtomicInteger executed = new AtomicInteger();
  private final AtomicInteger duplicates = new AtomicInteger();
  private final AtomicInteger unknown = new AtomicInteger();
  private final AtomicLong lastStartNanos = new AtomicLong();

  public Recorder(int n) {
    this.n = n;
    this.startNanos = new AtomicLongArray(Math.max(n, 1));
    this.allStarted = new CountDownLatch(n);
  }

  /** Makes this the recorder the handlers report to. */
  public static Recorder install(Recorder r) {
    current = r;
    return r;
  }

  public static Recorder current() {
    return current;
  }

  /** Called by a handler when job {@code i} starts. */
  public void hit(int i) {
    long now = System.nanoTime();
    if (i < 0 || i >= n) {
      unknown.incrementAndGet();
      return;
    }
    if (startNanos.compareAndSet(i, 0L, now == 0 ? 1 : now)) {
      executed.incrementAndGet();
      lastStartNanos.accumulateAndGet(now, Math::max);
      allStarted.countDown();
    } else {
      duplicates.incrementAndGet();
    }
  }

  /** Waits until every job ran once; false on timeout. */
  public boolean await(long timeoutNanos) throws InterruptedException {
    return allStarted.await(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  public int executed() {
    return executed.get();
  }

  public int duplicates() {
    return duplicates.get();
  }

  public int unknown() {
    return unknown.get();
  }

  /** When the last first run started (System.nanoTime), 0 when none ran. */
  public long lastStartNanos() {
    return lastStartNanos.get();
  }

  /** When job {@code i} first started (System.nanoTime), 0 if it did not. */
  public long startNanos(int i) {
    return startNanos.get(i);
  }
}
