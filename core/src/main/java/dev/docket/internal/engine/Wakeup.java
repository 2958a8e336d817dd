package dev.docket.internal.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A signal an engine loop waits on instead of sleeping: {@link #signal()} wakes it at once; the
 * wait otherwise ends after the given time. A signal given while nobody waits is remembered once.
 */
public final class Wakeup {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean signalled;

  public void signal() {
    lock.lock();
    try {
      signalled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until signalled or until {@code max} has passed.
   *
   * @return whether it was signalled
   */
  public boolean awaitUpTo(Duration max) throws InterruptedException {
    long nanos = max.isNegative() ? 0 : saturatedNanos(max);
    lock.lock();
    try {
      while (!signalled && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      boolean was = signalled;
      signalled = false;
      return was;
    } finally {
      lock.unlock();
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return TimeUnit.DAYS.toNanos(365);
    }
  }
}
