package dev.docket.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Group commit: callers on many threads hand in one item each and wait; whoever finds no batch
 * running becomes the leader and runs everything handed in so far as one batch (one transaction),
 * then hands each caller its own result. Nobody waits for a timer: under load batches grow by
 * themselves, alone a call runs at once. Each caller still returns only after its item is
 * committed.
 */
final class GroupCommit<T, R> {

  private static final class Request<T, R> {
    final T item;
    @Nullable R result;
    @Nullable RuntimeException error;
    boolean done;

    Request(T item) {
      this.item = item;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition finished = lock.newCondition();
  private final int maxBatch;
  private final Function<List<T>, List<R>> runBatch;
  private List<Request<T, R>> pending = new ArrayList<>();
  private boolean running;

  /**
   * @param runBatch runs a batch in one transaction; returns one result per item, in order, or
   *     throws to fail every item of the batch
   */
  GroupCommit(int maxBatch, Function<List<T>, List<R>> runBatch) {
    this.maxBatch = maxBatch;
    this.runBatch = runBatch;
  }

  R submit(T item) {
    Request<T, R> mine = new Request<>(item);
    lock.lock();
    try {
      pending.add(mine);
      while (!mine.done) {
        if (!running) {
          running = true;
          List<Request<T, R>> batch = take();
          lock.unlock();
          try {
            run(batch);
          } finally {
            lock.lock();
            running = false;
            finished.signalAll();
          }
        } else {
          finished.awaitUninterruptibly();
        }
      }
    } finally {
      lock.unlock();
    }
    if (mine.error != null) {
      throw mine.error;
    }
    return mine.result;
  }

  private List<Request<T, R>> take() {
    if (pending.size() <= maxBatch) {
      List<Request<T, R>> all = pending;
      pending = new ArrayList<>();
      return all;
    }
    List<Request<T, R>> head = new ArrayList<>(pending.subList(0, maxBatch));
    pending = new ArrayList<>(pending.subList(maxBatch, pending.size()));
    return head;
  }

  private void run(List<Request<T, R>> batch) {
    List<T> items = new ArrayList<>(batch.size());
    for (Request<T, R> r : batch) {
      items.add(r.item);
    }
    List<R> results = null;
    RuntimeException error = null;
    try {
      results = runBatch.apply(items);
    } catch (RuntimeException e) {
      error = e;
    }
    lock.lock();
    try {
      for (int i = 0; i < batch.size(); i++) {
        Request<T, R> r = batch.get(i);
        if (error != null) {
          r.error = error;
        } else {
          r.result = results.get(i);
        }
        r.done = true;
      }
    } finally {
      lock.unlock();
    }
  }
}
