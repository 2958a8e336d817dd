package dev.docket.jdbc.internal;

import dev.docket.spi.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code dev/docket/jdbc/migration/<dialect>/V<nnn>__<what>.sql} in order and records each
 * version in {@code <prefix>schema_version}, under a lock so that nodes starting together are safe:
 * {@code pg_advisory_xact_lock} on PostgreSQL (the DDL runs in that transaction), a JVM-wide lock
 * per database URL on H2 (an embedded H2 file is opened by one process only).
 */
public final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  /** Every migration, in order; the same list exists for each dialect (a test checks it). */
  public static final List<String> MIGRATIONS = List.of("V001__create_jobs.sql", "V002__create_approvals.sql", "V003__create_tasks.sql", "V004__admin.sql", "V005__drop_jobs_running.sql",
      "V006__implicit_history.sql", "V007__job_listing.sql",
      "V008__h2_state_keys.sql", "V009__h2_one_state_index.sql", "V010__pg_batch_listing.sql");

  private static final Pattern VERSION = Pattern.compile("V(\\d+)__.*\\.sql");
  private static final Map<String, ReentrantLock> H2_LOCKS = new ConcurrentHashMap<>();

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String prefix;

  public SchemaMigrator(DataSource dataSource, Dialect dialect, String prefix) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.prefix = prefix;
  }

  /** The newest version this code knows. */
  public static int latestVersion() {
    return version(MIGRATIONS.get(MIGRATIONS.size() - 1));
  }

  static int version(String file) {
    Matcher m = VERSION.matcher(file);
    if (!m.matches()) {
      throw new IllegalStateException("bad migration name " + file);
    }
    return Integer.parseInt(m.group(1));
  }

  /** The text of one migration with the prefix filled in. */
  public String script(String file) {
    String path = "dev/docket/jdbc/migration/" + dialect.migrationFolder() + "/" + file;
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix);
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + path, e);
    }
  }

  /** Brings the schema up to date. */
  public void migrate() {
    migrate(latestVersion());
  }

  /**
   * Applies the missing versions up to {@code upTo} only (an older schema, as a node of an
   * earlier release would leave it: the upgrade tests start from one).
   */
  public void migrate(int upTo) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      ReentrantLock jvmLock = null;
      try {
        if (dialect instanceof Dialect.Postgres) {
          try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + lockKey() + ")");
          }
        } else {
          jvmLock = H2_LOCKS.computeIfAbsent(c.getMetaData().getURL(), u -> new ReentrantLock());
          jvmLock.lock();
        }
        try (Statement s = c.createStatement()) {
          s.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + prefix
                  + "schema_version (version INTEGER PRIMARY KEY, description VARCHAR(200) NOT NULL,"
                  + " applied_at TIMESTAMP(6) WITH TIME ZONE NOT NULL)");
        }
        int current = currentVersion(c);
        if (current > latestVersion()) {
          throw new StoreException(
              "the database schema ("
                  + prefix
                  + "schema_version "
                  + current
                  + ") is newer than this Docket knows ("
                  + latestVersion()
                  + "): upgrade Docket, or point it at another database or table prefix");
        }
        for (String file : MIGRATIONS) {
          int v = version(file);
          if (v <= current || v > upTo) {
            continue;
          }
          log.info("applying schema migration {} (prefix '{}')", file, prefix);
          try (Statement s = c.createStatement()) {
            for (String stmt : statements(script(file))) {
              s.execute(stmt);
            }
          }
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO " + prefix + "schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, v);
            ps.setString(2, file);
            ps.setObject(3, OffsetDateTime.now(java.time.Clock.systemUTC()).withOffsetSameInstant(ZoneOffset.UTC));
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        if (jvmLock != null) {
          jvmLock.unlock();
        }
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException("schema migration failed: " + e.getMessage(), e);
    }
  }

  /** Checks that the tables exist (for schemas managed by Flyway or Liquibase). */
  public void verify() {
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      for (String table : List.of("jobs", "job_events", "nodes", "approvals", "approval_approvers", "tasks", "queues")) {
        boolean found = false;
        for (String name : List.of(prefix + table, (prefix + table).toUpperCase(java.util.Locale.ROOT))) {
          try (ResultSet rs = md.getTables(null, null, name, null)) {
            found |= rs.next();
          }
        }
        if (!found) {
          throw new StoreException(
              "table " + prefix + table + " is missing: apply Docket's migrations (docs/migrations.md)");
        }
      }
      // the newest migrations' objects: an external schema a version behind fails here, not on a write
      requireColumn(md, "history_implicit", "V006__implicit_history.sql");
      if (dialect instanceof Dialect.H2) { // V009 (H2 only; on PostgreSQL it changes nothing)
        requireColumn(md, "state_key", "V009__h2_one_state_index.sql");
        requireTable(md, "job_correlations", "V009__h2_one_state_index.sql");
      }
      // V010 (PostgreSQL only; on H2 it changes nothing): lists read these tables
      if (dialect instanceof Dialect.Postgres) {
        requireTable(md, "job_batches", "V010__pg_batch_listing.sql");
        requireTable(md, "job_correlations", "V010__pg_batch_listing.sql");
      }
    } catch (SQLException e) {
      throw new StoreException("cannot inspect the schema: " + e.getMessage(), e);
    }
  }

  /** Fails naming {@code migration} when there is no table {@code prefix + table} (any case). */
  private void requireTable(DatabaseMetaData md, String table, String migration) throws SQLException {
    for (String name : List.of(prefix + table, (prefix + table).toUpperCase(java.util.Locale.ROOT))) {
      try (ResultSet rs = md.getTables(null, null, name, null)) {
        if (rs.next()) {
          return;
        }
      }
    }
    throw new StoreException(
        "table " + prefix + table + " is missing: apply Docket's migration " + migration + " (docs/migrations.md)");
  }

  /** Fails naming {@code migration} when the jobs table has no column {@code column} (any case). */
  private void requireColumn(DatabaseMetaData md, String column, String migration) throws SQLException {
    String jobs = prefix + "jobs";
    for (String t : List.of(jobs, jobs.toUpperCase(java.util.Locale.ROOT))) {
      for (String col : List.of(column, column.toUpperCase(java.util.Locale.ROOT))) {
        try (ResultSet rs = md.getColumns(null, null, t, col)) {
          if (rs.next()) {
            return;
          }
        }
      }
    }
    throw new StoreException(
        "column " + jobs + "." + column + " is missing: apply Docket's migration " + migration + " (docs/migrations.md)");
  }

  private int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + prefix + "schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private long lockKey() {
    return 0x646f636b6574L ^ prefix.hashCode(); // "docket" ^ prefix
  }

  /** Splits a script on semicolons at line ends, dropping comments. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      cur.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String stmt = cur.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }
}
