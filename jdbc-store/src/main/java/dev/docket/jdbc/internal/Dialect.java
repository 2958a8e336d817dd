package dev.docket.jdbc.internal;

import dev.docket.spi.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** What differs between the databases Docket supports; everything else is shared SQL. */
public sealed interface Dialect permits Dialect.H2, Dialect.Postgres {

  /** The folder of this dialect's migration files. */
  String migrationFolder();

  /** SQL for "the database's now plus {@code :leaseMs} milliseconds". */
  String dbNowPlusLease();

  /** Whether claims can run as one statement with {@code FOR UPDATE SKIP LOCKED}. */
  boolean singleStatementClaim();

  /** Upsert of a node row from {@code :node, :startedAt, :now, :busy, :total}. */
  String upsertNode(String prefix);

  /**
   * Sets of jobs the store reads in time order, each on an index: due {@code SCHEDULED} jobs by
   * due time, {@code RUNNING} ones by lease end, finished ones by finish time. PostgreSQL has a
   * partial index per set; H2 (schema v9) one index, {@code jobs_state}, on generated columns
   * whose key changes only with the state (see V009__h2_one_state_index.sql).
   */
  enum TimedSet {
    DUE("S", "status = 'SCHEDULED'", "scheduled_at"),
    LEASED("L", "status = 'RUNNING'", "lease_expires_at"),
    FINISHED("F", "finished_at IS NOT NULL", "finished_at");

    final String h2Kind;
    final String pgCondition;
    final String pgTime;

    TimedSet(String h2Kind, String pgCondition, String pgTime) {
      this.h2Kind = h2Kind;
      this.pgCondition = pgCondition;
      this.pgTime = pgTime;
    }
  }

  /** The condition that selects the jobs of {@code set}. */
  String in(TimedSet set);

  /** The time column of {@code set}'s jobs, for ranges and {@code ORDER BY}, in index order. */
  String timeOf(TimedSet set);

  /** The {@code ORDER BY} columns that read {@code set} in time order on its index. */
  String inTimeOrder(TimedSet set);

  /** The ready ({@code QUEUED}) jobs of the queue bound as {@code :queue}. */
  String readyIn();

  /** The claim's {@code ORDER BY} on the ready jobs' index. */
  String readyOrder();

  /** Every ready job (depth). */
  String ready();

  /** Every {@code SCHEDULED} or {@code AWAITING_APPROVAL} job (depth). */
  String waiting();

  /** H2 2.x, embedded. */
  record H2() implements Dialect {
    @Override
    public String migrationFolder() {
      return "h2";
    }

    @Override
    public String dbNowPlusLease() {
      return "DATEADD(MILLISECOND, :leaseMs, CURRENT_TIMESTAMP)";
    }

    @Override
    public boolean singleStatementClaim() {
      return false;
    }

    @Override
    public String upsertNode(String prefix) {
      return "MERGE INTO "
          + prefix
          + "nodes (node_id, started_at, last_heartbeat_at, busy, total) KEY (node_id)"
          + " VALUES (:node, COALESCE((SELECT started_at FROM "
          + prefix
          + "nodes WHERE node_id = :node), :startedAt), :now, :busy, :total)";
    }

    @Override
    public String in(TimedSet set) {
      // the set's part of jobs_state: its key, and the priority every non-ready job has there
      return "state_key = '" + set.h2Kind + "' AND state_priority = 0";
    }

    @Override
    public String timeOf(TimedSet set) {
      return "state_at";
    }

    @Override
    public String inTimeOrder(TimedSet set) {
      // H2 reads an index in order only when the ORDER BY names its leading columns, even those
      // the WHERE fixes
      return "state_key, state_priority DESC, state_at";
    }

    @Override
    public String readyIn() {
      return "state_key = 'Q' || :queue";
    }

    @Override
    public String readyOrder() {
      return "state_key, state_priority DESC, state_at, created_at, id";
    }

    @Override
    public String ready() {
      return "state_key >= 'Q' AND state_key < 'R'"; // every queue's ready part of jobs_state
    }

    @Override
    public String waiting() {
      return "state_key IN ('S', 'A')";
    }
  }

  /** PostgreSQL 12 or newer. */
  record Postgres() implements Dialect {
    @Override
    public String migrationFolder() {
      return "postgresql";
    }

    @Override
    public String dbNowPlusLease() {
      return "(CURRENT_TIMESTAMP + CAST(:leaseMs AS BIGINT) * INTERVAL '1 millisecond')";
    }

    @Override
    public boolean singleStatementClaim() {
      return true;
    }

    @Override
    public String upsertNode(String prefix) {
      return "INSERT INTO "
          + prefix
          + "nodes (node_id, started_at, last_heartbeat_at, busy, total)"
          + " VALUES (:node, :startedAt, :now, :busy, :total)"
          + " ON CONFLICT (node_id) DO UPDATE SET last_heartbeat_at = EXCLUDED.last_heartbeat_at,"
          + " busy = EXCLUDED.busy, total = EXCLUDED.total";
    }

    @Override
    public String in(TimedSet set) {
      return set.pgCondition;
    }

    @Override
    public String timeOf(TimedSet set) {
      return set.pgTime;
    }

    @Override
    public String inTimeOrder(TimedSet set) {
      return set.pgTime;
    }

    @Override
    public String readyIn() {
      return "status = 'QUEUED' AND queue = :queue";
    }

    @Override
    public String readyOrder() {
      return "priority DESC, scheduled_at, created_at, id";
    }

    @Override
    public String ready() {
      return "status = 'QUEUED'";
    }

    @Override
    public String waiting() {
      return "status IN ('SCHEDULED', 'AWAITING_APPROVAL')";
    }
  }

  /**
   * The dialect of the database behind a connection.
   *
   * @throws StoreException naming the product when it is not supported
   */
  static Dialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    String p = product.toLowerCase(Locale.ROOT);
    if (p.contains("h2")) {
      return new H2();
    }
    if (p.contains("postgresql")) {
      return new Postgres();
    }
    throw new StoreException(
        "unsupported database '" + product + "': Docket's JDBC store supports H2 and PostgreSQL");
  }
}
