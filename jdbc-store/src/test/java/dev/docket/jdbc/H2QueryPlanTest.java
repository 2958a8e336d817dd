package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.internal.Dialect;
import dev.docket.jdbc.internal.Dialect.TimedSet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 (schema v8) reads each state's set through the generated columns' indexes, in order, with
 * finished, future and ready jobs in the table: the claim on {@code jobs_ready_queue}, the
 * promotion, the reaper and the purge on {@code jobs_timer}, and each generated column holds its
 * state's key only. The conditions and orders are the store's own (Dialect).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2QueryPlanTest {

  /** The store's own conditions and orders (JdbcJobStore and JdbcAdminStore build their queries from them). */
  private static final Dialect D = new Dialect.H2();

  private HikariDataSource ds;

  @BeforeAll
  void fillTable(@TempDir Path dir) throws Exception {
    ds = H2.pool(dir);
    JdbcStore.builder(ds).build().close();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      String insert =
          "INSERT INTO docket_jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
              + " owner_id, created_at, scheduled_at, finished_at, lease_expires_at, node_id, lease_token)"
              + " SELECT '%s' || X, 'noop', 'default', '%s', 0, '{}', 1, 3, 'alice',"
              + " DATEADD(MILLISECOND, X, TIMESTAMP WITH TIME ZONE '2026-12-01 00:00:00+00'), %s, %s, %s, %s, %s"
              + " FROM SYSTEM_RANGE(1, %d)";
      String t0 = "TIMESTAMP WITH TIME ZONE '2026-12-01 00:00:00+00'";
      s.execute(String.format(insert, "done-", "SUCCEEDED", t0, "DATEADD(SECOND, X, " + t0 + ")", "NULL", "NULL", "NULL", 20_000));
      s.execute(String.format(insert, "future-", "SCHEDULED", "DATEADD(DAY, 1, " + t0 + ")", "NULL", "NULL", "NULL", "NULL", 5_000));
      s.execute(String.format(insert, "ready-", "QUEUED", t0, "NULL", "NULL", "NULL", "NULL", 1_000));
      s.execute(String.format(insert, "run-", "RUNNING", t0, "NULL", "DATEADD(SECOND, X, " + t0 + ")", "'n1'", "'tok'", 500));
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  void close() {
    ds.close();
  }

  @Test
  void theGeneratedColumnsHoldOnlyTheirStatesKeys() throws Exception {
    assertThat(strings("SELECT DISTINCT status || ':' || COALESCE(ready_queue, '-') || ':' || COALESCE(timer_kind, '-')"
            + " || ':' || CASE WHEN timer_at IS NULL THEN '-' ELSE 't' END FROM docket_jobs ORDER BY 1"))
        .containsExactly("QUEUED:default:-:-", "RUNNING:-:L:t", "SCHEDULED:-:S:t", "SUCCEEDED:-:F:t");
    assertThat(strings("SELECT COUNT(*) FROM docket_jobs WHERE timer_kind = 'L' AND timer_at <> lease_expires_at"))
        .containsExactly("0");
    assertThat(strings("SELECT COUNT(*) FROM docket_jobs WHERE timer_kind = 'F' AND timer_at <> finished_at"))
        .containsExactly("0");
  }

  @Test
  void theClaimReadsTheReadySetInOrder() throws Exception {
    assertThat(plan("SELECT id FROM docket_jobs WHERE " + D.readyIn().replace(":queue", "'default'")
            + " AND scheduled_at <= CURRENT_TIMESTAMP ORDER BY " + D.readyOrder() + " LIMIT 16"))
        .contains("DOCKET_JOBS_READY_QUEUE")
        .contains("index sorted")
        .doesNotContain("tableScan");
  }

  @Test
  void promotionReaperAndPurgeReadTheirTimersInOrder() throws Exception {
    for (TimedSet set : TimedSet.values()) {
      assertThat(plan("SELECT id FROM docket_jobs WHERE " + D.in(set) + " AND " + D.timeOf(set)
              + " < CURRENT_TIMESTAMP AND status IN ('SUCCEEDED', 'FAILED', 'SCHEDULED', 'RUNNING')"
              + " ORDER BY " + D.inTimeOrder(set) + " LIMIT 500"))
          .contains("DOCKET_JOBS_TIMER")
          .contains("index sorted")
          .doesNotContain("tableScan");
    }
  }

  @Test
  void depthNeverScansTheTable() throws Exception {
    for (String where : List.of(D.ready(), D.waiting(), D.in(TimedSet.LEASED))) {
      assertThat(plan("SELECT queue, status, COUNT(*) FROM docket_jobs WHERE " + where + " GROUP BY queue, status"))
          .doesNotContain("tableScan");
    }
  }

  private String plan(String sql) throws Exception {
    String plan = String.join("\n", strings("EXPLAIN " + sql));
    System.out.println("---- " + sql + "\n" + plan);
    return plan;
  }

  private List<String> strings(String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
