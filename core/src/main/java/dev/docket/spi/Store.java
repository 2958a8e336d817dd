package dev.docket.spi;

/**
 * A place where Docket keeps its state: the root of the SPI, one sub-store per aggregate. The
 * engine given a store owns it and closes it on {@code close()}. Thread-safe.
 */
public interface Store extends AutoCloseable {

  /** Jobs, their leases and their history. */
  JobStore jobs();

  /** Approval requests of jobs that wait for a human. */
  ApprovalStore approvals();

  /** Cron scheduled tasks and their fires. */
  ScheduleStore schedules();

  /** Queue pause state, purge and finished-job counts. */
  AdminStore admin();

  /** The registry of running engines. */
  NodeStore nodes();

  /**
   * Subscribes to news from other nodes. A store without such a channel returns a no-op
   * subscription (the default); the engine then relies on polling and heartbeats.
   *
   * @return closes the subscription
   */
  default AutoCloseable subscribe(StoreSignals signals) {
    return () -> {};
  }

  /**
   * The most claimed jobs per worker an engine buffers when its builder sets no {@code prefetch}
   * (the engine buffers fewer for long jobs: about 50 ms of the queue's work). Four by default. A
   * store whose claims cost about the same for many jobs as for few (the JDBC store: 64 on PostgreSQL, 16 on H2) gains
   * from larger claims: each transaction then serves more jobs.
   */
  default int prefetchPerWorker() {
    return 4;
  }

  /**
   * How many batches of outcomes an engine may store at once when its workers end attempts faster
   * than one batch at a time keeps up (a burst of short jobs, say): 1 by default. The engine adds
   * writers beyond the first only while its queue of outcomes is full. A store whose writes wait
   * mostly on the commit's flush, and can run side by side (the JDBC store on PostgreSQL: 3), gains from more.
   */
  default int ackWriters() {
    return 1;
  }

  /** Releases what the store holds (connections, pools it created). Idempotent. */
  @Override
  void close();
}
