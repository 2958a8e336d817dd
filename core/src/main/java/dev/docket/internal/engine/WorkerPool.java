package dev.docket.internal.engine;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The workers of one queue: a fixed set of named threads and a count of free slots. */
final class WorkerPool {

  final String queue;
  final int size;
  private final Semaphore free;
  private final ExecutorService executor;

  WorkerPool(String queue, int size) {
    this.queue = queue;
    this.size = size;
    this.free = new Semaphore(size);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "docket-worker-" + queue + "-" + n.incrementAndGet());
          t.setDaemon(false);
          return t;
        };
    this.executor = Executors.newFixedThreadPool(size, threads);
  }

  int freeSlots() {
    return free.availablePermits();
  }

  int busy() {
    return size - free.availablePermits();
  }

  boolean takeSlot() {
    return free.tryAcquire();
  }

  void releaseSlot() {
    free.release();
  }

  void execute(Runnable task) {
    executor.execute(task);
  }

  void shutdown() {
    executor.shutdown();
  }

  boolean awaitTermination(Duration max) throws InterruptedException {
    return executor.awaitTermination(Math.max(0, max.toMillis()), TimeUnit.MILLISECONDS);
  }

  void shutdownNow() {
    executor.shutdownNow();
  }
}
