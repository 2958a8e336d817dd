package dev.docket.bench;

/**
 * One job system under test, on a fresh database. Jobs carry an index; their handler calls {@link
 * Recorder#hit(int)} with it and does nothing else.
 */
public interface QueueSystem extends AutoCloseable {

  /** Pool size every system gets when it takes a pool from the bench (workers + 2). */
  int POOL = 10;

  String name();

  /**
   * Creates what the system needs to take jobs (its tables, its client, its engine) and starts no
   * worker: jobs enqueued now wait (W1P).
   */
  void prepare() throws Exception;

  /** Starts the workers, after {@link #prepare}; returns when the system is ready to run jobs. */
  void startWorkers() throws Exception;

  /** {@link #prepare}, then {@link #startWorkers}. */
  default void start() throws Exception {
    prepare();
    startWorkers();
  }

  /** Enqueues jobs {@code from .. from+count-1} with the system's batch API (one call). */
  void enqueueBatch(int from, int count) throws Exception;

  /** Enqueues job {@code index} on its own. */
  void enqueueOne(int index) throws Exception;

  /** Stops the workers and releases what the system holds (the database is the bench's). */
  @Override
  void close() throws Exception;

  /** Creates the system {@code name} on {@code db} with {@code workers} workers; not started. */
  static QueueSystem create(String name, BenchDb db, int workers) {
    return switch (name) {
      case "docket" -> new DocketSystem(db, workers);
      case "docket-2nodes" -> new DocketSystem.TwoNodes(db, workers);
      case "db-scheduler" -> new DbSchedulerSystem(db, workers);
      case "jobrunr" -> new JobRunrSystem(db, workers);
      case "quartz" -> new QuartzSystem(db, workers);
      default -> throw new IllegalArgumentException(
          "unknown system '" + name + "' (docket, docket-2nodes, db-scheduler, jobrunr, quartz)");
    };
  }
}
