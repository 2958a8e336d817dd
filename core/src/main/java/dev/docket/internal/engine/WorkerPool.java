package dev.docket.internal.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workers of one queue: a fixed set of named threads, plus a small local buffer of claimed
 * jobs (the prefetch) so that a finishing worker finds its next job without waiting for a claim.
 * {@link #freeSlots()} counts what the dispatcher may still claim: threads plus buffer, minus what
 * is claimed and not finished.
 */
final class WorkerPool {

  /** A claimed job waiting for, or running on, a worker thread. */
  static final class Task implements Runnable {
    final RunningJob job;
    private final Runnable body;

    Task(RunningJob job, Runnable body) {
      this.job = job;
      this.body = body;
    }

    @Override
    public void run() {
      body.run();
    }
  }

  final String queue;
  final int size;
  private final int capacity;
  private final Semaphore slots;
  private final AtomicInteger busy = new AtomicInteger();
  private final ThreadPoolExecutor executor;

  WorkerPool(String queue, int size, int prefetch) {
    this.queue = queue;
    this.size = size;
    this.capacity = size + prefetch;
    this.slots = new Semaphore(capacity);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          // explicit, whichever thread happens to create it: a worker keeps the JVM alive until
          // close() lets its job finish
          Thread t = new Thread(r, "docket-worker-" + queue + "-" + n.incrementAndGet());
          t.setDaemon(false);
          return t;
        };
    this.executor =
        new ThreadPoolExecutor(size, size, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
  }

  int freeSlots() {
    return slots.availablePermits();
  }

  /**
   * Whether a claim now is worth its round trip: a worker is idle, or the buffer is at most half
   * full. Refilling one slot at a time would cost one claim per job.
   */
  boolean worthClaiming() {
    int inFlight = capacity - slots.availablePermits();
    return inFlight < size || 2 * inFlight <= capacity;
  }

  /** Workers running a handler right now. */
  int busy() {
    return busy.get();
  }

  void started() {
    busy.incrementAndGet();
  }

  void ended() {
    busy.decrementAndGet();
  }

  boolean takeSlot() {
    return slots.tryAcquire();
  }

  /** Takes up to {@code wanted} free slots at once; returns how many it took. */
  int takeSlots(int wanted) {
    int n = Math.min(wanted, slots.availablePermits());
    while (n > 0 && !slots.tryAcquire(n)) {
      n = Math.min(n - 1, slots.availablePermits());
    }
    return Math.max(n, 0);
  }

  void releaseSlot() {
    slots.release();
  }

  void releaseSlots(int n) {
    if (n > 0) {
      slots.release(n);
    }
  }

  /** Whether a worker thread is idle and no claimed job waits in the buffer. */
  boolean hasIdleWorker() {
    return capacity - slots.availablePermits() < size;
  }

  void execute(Task task) {
    executor.execute(task);
  }

  /** Stops accepting jobs and takes back those still waiting in the buffer. */
  List<Task> shutdownAndDrain() {
    executor.shutdown();
    List<Runnable> waiting = new ArrayList<>();
    executor.getQueue().drainTo(waiting);
    List<Task> tasks = new ArrayList<>();
    for (Runnable r : waiting) {
      tasks.add((Task) r);
    }
    return tasks;
  }

  boolean awaitTermination(Duration max) throws InterruptedException {
    return executor.awaitTermination(Math.max(0, max.toMillis()), TimeUnit.MILLISECONDS);
  }

  void shutdownNow() {
    executor.shutdownNow();
  }
}
