package dev.docket.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh, empty database for one run: a new H2 file directory, or a new PostgreSQL schema (made
 * the connections' {@code currentSchema}, so every system creates its default tables in it). {@link
 * #close()} deletes it and closes every pool it handed out.
 */
public abstract class BenchDb implements AutoCloseable {

  /** Where H2 runs get their directories. */
  static Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "docket-bench");

  /** The PostgreSQL database the runs use. */
  static String pgUrl = "jdbc:postgresql://127.0.0.1:5432/docket_test?user=postgres";

  private static int seq;

  private final List<HikariDataSource> pools = new ArrayList<>();

  public static BenchDb fresh(String kind, String label) {
    String id = label.replaceAll("[^a-z0-9]", "") + "_" + ProcessHandle.current().pid() + "_" + (++seq);
    return switch (kind) {
      case "h2" -> new H2(workDir.resolve(id));
      case "postgres" -> new Pg("bench_" + id);
      default -> throw new IllegalArgumentException("unknown database '" + kind + "' (h2, postgres)");
    };
  }

  /** The directory of an H2 database. */
  public static Path dirOf(BenchDb db) {
    return ((H2) db).dir();
  }

  public abstract String kind();

  public abstract boolean isPostgres();

  public abstract String jdbcUrl();

  /**
   * Vacuums the PostgreSQL catalog tables before a run: every run creates and drops a schema with
   * its tables and indexes, and thousands of those leave dead rows in {@code pg_attribute}, {@code
   * pg_class} and the like that slow every later run (150,886 dead rows in {@code pg_attribute}
   * were seen after one day of runs). A failure is reported and the run goes on.
   */
  static void vacuumCatalogs() {
    Pg.ensureDatabase();
    String url = pgUrl;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String t : List.of("pg_attribute", "pg_class", "pg_depend", "pg_type", "pg_index", "pg_constraint")) {
        s.execute("VACUUM pg_catalog." + t);
      }
    } catch (SQLException e) {
      System.err.println("cannot vacuum the catalog tables of " + url + ": " + e.getMessage());
    }
  }

  /** A pool on this database, closed with it. */
  public HikariDataSource pool(int size, String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl());
    if (!isPostgres()) {
      c.setUsername("sa");
      c.setPassword("");
    }
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(size);
    c.setPoolName(name);
    HikariDataSource ds = new HikariDataSource(c);
    synchronized (pools) {
      pools.add(ds);
    }
    return ds;
  }

  /** Runs SQL statements of a script (one per ';'), skipping comments and COMMIT. */
  public static void runScript(Connection c, String script) throws SQLException {
    StringBuilder clean = new StringBuilder();
    for (String line : script.split("\n")) {
      String l = line.strip();
      if (l.startsWith("--") || l.startsWith("#")) {
        continue;
      }
      clean.append(line).append('\n');
    }
    try (Statement s = c.createStatement()) {
      for (String stmt : clean.toString().split(";")) {
        String t = stmt.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("commit")) {
          continue;
        }
        s.execute(t);
      }
    }
  }

  @Override
  public void close() {
    synchronized (pools) {
      for (HikariDataSource p : pools) {
        p.close();
      }
      pools.clear();
    }
    drop();
  }

  protected abstract void drop();

  public static final class H2 extends BenchDb {
    private final Path dir;

    H2(Path dir) {
      this.dir = dir;
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Path dir() {
      return dir;
    }

    @Override
    public String kind() {
      return "h2";
    }

    @Override
    public boolean isPostgres() {
      return false;
    }

    /** The same settings as JdbcStore.h2(..) uses for Docket, so that every system commits alike. */
    @Override
    public String jdbcUrl() {
      return "jdbc:h2:file:"
          + dir.toAbsolutePath().resolve("bench")
          + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
    }

    @Override
    protected void drop() {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("cannot delete " + dir + ": " + e);
      }
    }
  }

  static final class Pg extends BenchDb {
    private final String schema;

    Pg(String schema) {
      this.schema = schema;
      ensureDatabase();
      try (Connection c = DriverManager.getConnection(pgUrl);
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create schema " + schema + " on " + pgUrl + ": " + e.getMessage(), e);
      }
    }

    /** Creates the default {@code docket_test} database when it is missing (a fresh machine). */
    static synchronized void ensureDatabase() {
      try (Connection c = DriverManager.getConnection(pgUrl)) {
        return;
      } catch (SQLException missing) {
        if (!pgUrl.contains("/docket_test?")) {
          return; // a database the caller chose: report its own error below
        }
      }
      String admin = pgUrl.replace("/docket_test?", "/postgres?");
      try (Connection c = DriverManager.getConnection(admin);
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE docket_test");
      } catch (SQLException e) {
        System.err.println("cannot create database docket_test: " + e.getMessage());
      }
    }

    String schema() {
      return schema;
    }

    @Override
    public String kind() {
      return "postgres";
    }

    @Override
    public boolean isPostgres() {
      return true;
    }

    @Override
    public String jdbcUrl() {
      return pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    protected void drop() {
      try (Connection c = DriverManager.getConnection(pgUrl);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        System.err.println("cannot drop schema " + schema + ": " + e.getMessage());
      }
    }
  }
}
