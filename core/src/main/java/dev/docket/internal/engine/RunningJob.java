package dev.docket.internal.engine;

import dev.docket.Job;
import dev.docket.spi.Lease;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One attempt in progress on this node. The worker thread, the watchdog, the heartbeat and
 * {@code cancel} all touch it; {@link #finalized} decides which of them writes the outcome.
 */
final class RunningJob {

  final Job job;
  final Lease lease;
  final long sequence;
  private volatile @Nullable Instant deadline;
  private volatile @Nullable Instant handlerStartedAt;
  final AtomicBoolean finalized = new AtomicBoolean();

  private @Nullable Thread thread;
  private boolean handlerDone;
  private boolean interruptRequested;
  private volatile @Nullable Instant cancelRequestedAt;
  private volatile boolean timedOut;
  private volatile boolean leaseLost;
  /**
   * While the job is a fire's job held by this node for its fire time (stored claimed by the
   * fire, not yet handed to a worker): that time. Null otherwise.
   */
  volatile @Nullable Instant heldFor;
  /** When this node began to hold it (a fire carried out late is held after its time). */
  volatile @Nullable Instant heldSince;

  RunningJob(Job job, Lease lease, long sequence) {
    this.job = job;
    this.lease = lease;
    this.sequence = sequence;
  }

  /** The instant the attempt times out; null before it starts or without a timeout. */
  @Nullable Instant deadline() {
    return deadline;
  }

  /** The handler starts on {@code worker} at {@code now}; its timeout counts from here. */
  synchronized void bind(Thread worker, Instant now) {
    this.thread = worker;
    this.handlerStartedAt = now;
    this.deadline = job.timeout().map(now::plus).orElse(null);
    if (interruptRequested) {
      worker.interrupt();
    }
  }

  /** When the handler started on a worker; null while buffered. */
  @Nullable Instant handlerStartedAt() {
    return handlerStartedAt;
  }

  synchronized boolean isStarted() {
    return thread != null;
  }

  /** Marks the handler returned: from now on nobody may interrupt the worker thread for it. */
  synchronized void handlerReturned() {
    handlerDone = true;
  }

  /** Interrupts the handler if it is still running, or as soon as it starts. */
  synchronized void interrupt() {
    interruptRequested = true;
    if (!handlerDone && thread != null) {
      thread.interrupt();
    }
  }

  /** Records a cancel request; returns whether it is the first. */
  synchronized boolean requestCancel(Instant at) {
    if (cancelRequestedAt != null) {
      return false;
    }
    cancelRequestedAt = at;
    return true;
  }

  @Nullable Instant cancelRequestedAt() {
    return cancelRequestedAt;
  }

  boolean isCancelRequested() {
    return cancelRequestedAt != null;
  }

  void markTimedOut() {
    timedOut = true;
  }

  boolean isTimedOut() {
    return timedOut;
  }

  void markLeaseLost() {
    leaseLost = true;
  }

  boolean isLeaseLost() {
    return leaseLost;
  }
}
