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
 *
 * <p>An adaptive buffer (the default) holds about {@link #BUFFERED_WORK} of the queue's work at
 * the handlers' recent run times, at most {@code prefetch} jobs: many short jobs per claim, and
 * long ones not held back from other nodes' idle workers. Until a handler has returned it holds
 * up to {@link #START_PER_WORKER} jobs per worker. A fixed buffer (set by the builder) holds
 * {@code prefetch}.
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

  /** How much of the queue's work an adaptive buffer holds, at the handlers' mean run time. */
  static final Duration BUFFERED_WORK = Duration.ofMillis(50);

  /** Buffered jobs per worker an adaptive buffer starts with (fewer if {@code prefetch} is lower). */
  static final int START_PER_WORKER = 4;

  final String queue;
  final int size;
  private final int prefetch;
  private final boolean adaptive;
  private final int capacity;
  private final Semaphore slots;
  private final AtomicInteger busy = new AtomicInteger();
  private final ThreadPoolExecutor executor;

  /**
   * A moving mean of the handlers' run times in nanoseconds, -1 before the first. Workers update
   * it without a lock: an update lost to a race only delays the mean a little.
   */
  private volatile long meanRunNanos = -1;

  WorkerPool(String queue, int size, int prefetch, boolean adaptive) {
    this.queue = queue;
    this.size = size;
    this.prefetch = prefetch;
    this.adaptive = adaptive;
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

  /** How many jobs the buffer holds now: {@code prefetch}, or for an adaptive one see above. */
  int bufferTarget() {
    if (!adaptive) {
      return prefetch;
    }
    long mean = meanRunNanos;
    if (mean < 0) {
      return (int) Math.min(prefetch, (long) START_PER_WORKER * size);
    }
    long jobs = mean == 0 ? prefetch : (long) size * BUFFERED_WORK.toNanos() / mean;
    return (int) Math.min(prefetch, jobs);
  }

  /**
   * How many fires' jobs this pool may hold for their fire time (see Engine): what it can start
   * within {@link #HELD_WORK} at the handlers' mean run time, at most {@link #MAX_HELD}; with
   * no run time known yet, {@link #MAX_HELD} (the engine gives back what its workers do not get
   * to, see Engine#HOLD_GRACE). A fixed buffer holds at most its {@code prefetch}.
   */
  int holdTarget() {
    if (!adaptive) {
      return Math.min(prefetch, MAX_HELD);
    }
    return meanRunNanos < 0 ? MAX_HELD : Math.max(size, startsWithinHeldWork());
  }

  /**
   * How many held jobs past their grace (Engine#HOLD_GRACE) may wait on for this pool's workers,
   * by the handlers' mean run time: what they start within {@link #HELD_WORK}; none while no
   * handler has returned (the jobs then take long, and other nodes may run them).
   */
  int keepPastGrace() {
    return meanRunNanos < 0 ? 0 : startsWithinHeldWork();
  }

  /** What the workers start within {@link #HELD_WORK} at the known mean run time, at most {@link #MAX_HELD}. */
  private int startsWithinHeldWork() {
    long mean = meanRunNanos;
    return mean <= 0 ? MAX_HELD : (int) Math.min(MAX_HELD, (long) size * HELD_WORK.toNanos() / mean);
  }

  /** How much work a pool holds of the fires due at one time; see {@link #holdTarget()}. */
  static final Duration HELD_WORK = Duration.ofSeconds(5);

  /** Most fires' jobs a pool holds for their time. */
  static final int MAX_HELD = 10_000;

  /** The handlers' moving mean run time in microseconds; -1 before the first returned. */
  long meanRunMicros() {
    long mean = meanRunNanos;
    return mean < 0 ? -1 : mean / 1_000;
  }

  /** Records how long a handler ran (nanoseconds, monotonic), for an adaptive buffer. */
  void recordRun(long ranNanos) {
    long nanos = Math.max(0, ranNanos);
    long mean = meanRunNanos;
    meanRunNanos = mean < 0 ? nanos : mean + (nanos - mean) / 8;
  }

  /** What the dispatcher may claim now: the free workers and the room left in the buffer. */
  int freeSlots() {
    int free = slots.availablePermits();
    int inFlight = capacity - free;
    return Math.max(0, Math.min(free, size + bufferTarget() - inFlight));
  }

  /**
   * Whether a claim now is worth its round trip: a worker is idle, or the buffer is at most half
   * full. Refilling one slot at a time would cost one claim per job.
   */
  boolean worthClaiming() {
    int inFlight = capacity - slots.availablePermits();
    return inFlight < size || 2 * inFlight <= size + bufferTarget();
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

  /** Takes up to {@code wanted} of the {@link #freeSlots()} at once; returns how many it took. */
  int takeSlots(int wanted) {
    int n = Math.min(wanted, freeSlots());
    while (n > 0 && !slots.tryAcquire(n)) {
      n = Math.min(n - 1, freeSlots());
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
