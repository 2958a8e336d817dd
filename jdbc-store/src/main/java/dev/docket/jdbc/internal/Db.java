package dev.docket.jdbc.internal;

import dev.docket.spi.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGStatement;

/**
 * The store's access to the database: Jdbi with the table prefix defined once, transactions, the
 * caller's own connection for transactional submits, and one place that wraps SQL errors.
 *
 * <p>On H2 every write transaction runs under a JVM-wide lock per database: an embedded H2 file is
 * opened by one process only, so this makes H2's writes serial without relying on its row-lock
 * semantics. On PostgreSQL writes run concurrently and rely on row locks and conditional updates.
 */
public final class Db {

  /**
   * For a statement that must be planned for the table as it is (PostgreSQL): pgjdbc sends it
   * unnamed, so it is planned at each execution. A named one gets a generic plan after five
   * executions and keeps it; made while the table was young, that plan scanned every job for each
   * ack (see PgPlanTest).
   */
  public static final StatementCustomizer PLANNED_EACH_TIME =
      new StatementCustomizer() {
        @Override
        public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
          if (stmt.isWrapperFor(PGStatement.class)) {
            stmt.unwrap(PGStatement.class).setPrepareThreshold(0);
          }
        }
      };

  private static final java.util.Map<String, ReentrantLock> H2_WRITE_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final String prefix;
  private final @Nullable ReentrantLock writeLock;
  private final ThreadLocal<@Nullable Connection> bound = new ThreadLocal<>();

  public Db(DataSource dataSource, Dialect dialect, String prefix, String url) {
    this.dialect = dialect;
    this.prefix = prefix;
    // fair: a write waits behind the writes that asked before it, so a batch submit is not
    // overtaken again and again by the engine's own claims and acks (nor they by a submit loop)
    this.writeLock =
        dialect instanceof Dialect.H2 ? H2_WRITE_LOCKS.computeIfAbsent(url, u -> new ReentrantLock(true)) : null;
    this.jdbi =
        Jdbi.create(
            new org.jdbi.v3.core.ConnectionFactory() {
              @Override
              public Connection openConnection() throws SQLException {
                Connection c = bound.get();
                if (c != null) {
                  return c;
                }
                Connection pooled = dataSource.getConnection();
                if (!pooled.getAutoCommit()) {
                  // Docket demarcates its own transactions: on a connection that does not
                  // autocommit, Jdbi would take each write for part of an outer transaction and
                  // never commit it (the pool then rolls it back). The pool restores its default.
                  pooled.setAutoCommit(true);
                }
                return pooled;
              }

              @Override
              public void closeConnection(Connection c) throws SQLException {
                if (c != bound.get()) {
                  c.close();
                }
              }
            });
    jdbi.define("prefix", prefix);
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Whether writes take H2's write lock in the order they asked for it (for tests). */
  boolean writesTakeTurns() {
    return writeLock != null && writeLock.isFair();
  }

  public String prefix() {
    return prefix;
  }

  /** Runs a write transaction; on the caller's bound connection, joins the caller's transaction. */
  public <T> T write(HandleCallback<T, RuntimeException> work) {
    if (writeLock != null) {
      writeLock.lock();
    }
    try {
      if (bound.get() != null) {
        try (Handle h = jdbi.open()) {
          h.getConfig(Handles.class).setForceEndTransactions(false);
          return work.withHandle(h);
        }
      }
      return jdbi.inTransaction(work);
    } catch (JdbiException e) {
      throw wrap(e);
    } finally {
      if (writeLock != null) {
        writeLock.unlock();
      }
    }
  }

  /**
   * Runs one statement's write in autocommit mode: the statement is its own transaction and
   * commits before it answers, one round trip instead of the statement's and a {@code COMMIT}'s.
   * {@code work} must therefore write with one statement only. As {@link #write} on H2 (its write
   * lock) and on the caller's bound connection.
   */
  public <T> T writeOneStatement(HandleCallback<T, RuntimeException> work) {
    if (writeLock != null || bound.get() != null) {
      return write(work);
    }
    try {
      return jdbi.withHandle(work); // pooled connections autocommit (see the constructor)
    } catch (JdbiException e) {
      throw wrap(e);
    }
  }

  /** Runs reads, without a transaction of their own. */
  public <T> T read(HandleCallback<T, RuntimeException> work) {
    try {
      return jdbi.withHandle(work);
    } catch (JdbiException e) {
      throw wrap(e);
    }
  }

  /** Runs {@code work} with this thread's writes on the caller's connection (its transaction). */
  public <T> T onConnection(Connection c, java.util.function.Supplier<T> work) {
    if (bound.get() != null) {
      throw new IllegalStateException("a connection is already bound on this thread");
    }
    bound.set(c);
    try {
      return work.get();
    } finally {
      bound.remove();
    }
  }

  public boolean isOnCallerConnection() {
    return bound.get() != null;
  }

  static StoreException wrap(JdbiException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String what = e instanceof ConnectionException ? "cannot reach the database" : "database error";
    return new StoreException(what + ": " + cause.getMessage(), e);
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
