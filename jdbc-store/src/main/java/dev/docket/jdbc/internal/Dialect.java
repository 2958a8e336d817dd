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
