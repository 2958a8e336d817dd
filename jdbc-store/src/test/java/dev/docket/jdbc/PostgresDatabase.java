package dev.docket.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL database of the tests: {@code docket_test} on 127.0.0.1:5432 (created when
 * missing), or {@code DOCKET_PG_URL}. Each test gets its own table prefix and drops its tables.
 */
public final class PostgresDatabase {

  public static final String URL =
      System.getenv().getOrDefault(
          "DOCKET_PG_URL", "jdbc:postgresql://127.0.0.1:5432/docket_test?user=postgres");
  private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static volatile @Nullable String problem;
  private static volatile boolean checked;

  private PostgresDatabase() {}

  /** Why PostgreSQL cannot be used, or null when it can. */
  static synchronized @Nullable String problem() {
    if (!checked) {
      checked = true;
      problem = check();
    }
    return problem;
  }

  private static @Nullable String check() {
    try (Connection c = DriverManager.getConnection(URL)) {
      return null;
    } catch (SQLException first) {
      if (System.getenv("DOCKET_PG_URL") != null) {
        return first.getMessage();
      }
      try (Connection admin = DriverManager.getConnection(ADMIN_URL);
          Statement s = admin.createStatement()) {
        s.execute("CREATE DATABASE docket_test");
        return null;
      } catch (SQLException e) {
        return e.getMessage();
      }
    }
  }

  /** A fresh table prefix. */
  public static String newPrefix() {
    return "t" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet() + "_";
  }

  public static HikariDataSource pool(int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(URL);
    c.setMaximumPoolSize(size);
    c.setPoolName("test-pg");
    return new HikariDataSource(c);
  }

  /** Drops every table and function whose name starts with {@code prefix}. */
  public static void dropTables(String prefix) {
    String like = " LIKE '" + prefix.replace("_", "\\_") + "%'";
    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement()) {
      for (String t : names(s, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename" + like)) {
        s.execute("DROP TABLE IF EXISTS " + t + " CASCADE");
      }
      for (String f : names(s, "SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace AND proname" + like)) {
        s.execute("DROP FUNCTION IF EXISTS " + f + "()");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test tables " + prefix + "*", e);
    }
  }

  private static List<String> names(Statement s, String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
