package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.internal.Dialect;
import dev.docket.jdbc.internal.Dialect.TimedSet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * H2 (schema v9) reads each state's set through the generated columns' one index, {@code
 * jobs_state}, in order, with finished, future, gated and ready jobs in the table: the claim, the
 * promotion, the reaper and the purge; and each generated column holds its state's key only. The
 * conditions and orders are the store's own (Dialect).
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
      s.execute(String.format(insert, "gated-", "AWAITING_APPROVAL", t0, "NULL", "NULL", "NULL", "NULL", 50));
      s.execute("UPDATE docket_jobs SET priority = 7 WHERE id IN ('ready-1', 'ready-2')");
      s.execute("INSERT INTO docket_job_correlations SELECT 'c' || MOD(X, 100), DATEADD(MILLISECOND, X,"
          + " TIMESTAMP WITH TIME ZONE '2026-12-01 00:00:00+00'), 'done-' || X FROM SYSTEM_RANGE(1, 20000)");
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  void close() {
    ds.close();
  }

  @Test
  void theGeneratedColumnsHoldOnlyTheirStatesKeys() throws Exception {
    assertThat(strings("SELECT DISTINCT status || ':' || state_key || ':' || state_priority"
            + " || ':' || CASE WHEN state_at IS NULL THEN '-' ELSE 't' END FROM docket_jobs ORDER BY 1"))
        .containsExactly("AWAITING_APPROVAL:A:0:-", "QUEUED:Qdefault:0:t", "QUEUED:Qdefault:7:t", "RUNNING:L:0:t",
            "SCHEDULED:S:0:t", "SUCCEEDED:F:0:t");
    assertThat(strings("SELECT COUNT(*) FROM docket_jobs WHERE state_key = 'L' AND state_at <> lease_expires_at"))
        .containsExactly("0");
    assertThat(strings("SELECT COUNT(*) FROM docket_jobs WHERE state_key = 'F' AND state_at <> finished_at"))
        .containsExactly("0");
    assertThat(strings("SELECT COUNT(*) FROM docket_jobs WHERE state_key IN ('S', 'Qdefault') AND state_at <> scheduled_at"))
        .containsExactly("0");
  }

  @Test
  void theClaimReadsTheReadySetInOrder() throws Exception {
    // the queue as the store binds it, a parameter ('Q' || ? must still be an index condition)
    assertThat(plan("SELECT id FROM docket_jobs WHERE " + D.readyIn().replace(":queue", "?")
            + " AND scheduled_at <= CURRENT_TIMESTAMP ORDER BY " + D.readyOrder() + " LIMIT 16", "default"))
        .contains("DOCKET_JOBS_STATE")
        .contains("index sorted")
        .doesNotContain("tableScan");
  }

  @Test
  void promotionReaperAndPurgeReadTheirTimersInOrder() throws Exception {
    for (TimedSet set : TimedSet.values()) {
      assertThat(plan("SELECT id FROM docket_jobs WHERE " + D.in(set) + " AND " + D.timeOf(set)
              + " < CURRENT_TIMESTAMP AND status IN ('SUCCEEDED', 'FAILED', 'SCHEDULED', 'RUNNING')"
              + " ORDER BY " + D.inTimeOrder(set) + " LIMIT 500"))
          .contains("DOCKET_JOBS_STATE")
          .contains("index sorted")
          .doesNotContain("tableScan");
    }
  }

  @Test
  void theListingOfACorrelationIdReadsItsOwnIndexInOrder() throws Exception {
    // the shape of JdbcJobStore.list with a correlation id (V009): the side table drives the join
    assertThat(plan("SELECT j.id FROM docket_job_correlations l JOIN docket_jobs j ON j.id = l.id"
            + " WHERE 1 = 1 AND l.correlation_id = 'c1'"
            + " AND l.created_at <= CURRENT_TIMESTAMP AND (l.created_at < CURRENT_TIMESTAMP OR l.id < 'x')"
            + " AND j.status IN ('QUEUED')"
            + " ORDER BY l.correlation_id, l.created_at DESC, l.id DESC LIMIT 21"))
        .contains("DOCKET_JOB_CORRELATIONS_NEWEST")
        .contains("index sorted")
        .doesNotContain("tableScan");
  }

  @Test
  void theListingsOfAllJobsAndOfAnOwnerReadTheirIndexesInOrder() throws Exception {
    // the shapes of JdbcJobStore.list without and with an owner
    String cursor = " AND created_at <= CURRENT_TIMESTAMP AND (created_at < CURRENT_TIMESTAMP OR id < 'x')";
    for (String after : List.of("", cursor)) {
      assertThat(plan("SELECT id FROM docket_jobs WHERE 1 = 1" + after + " AND status IN ('QUEUED')"
              + " ORDER BY created_at DESC, id DESC LIMIT 21"))
          .contains("DOCKET_JOBS_NEWEST")
          .contains("index sorted");
    }
    assertThat(plan("SELECT id FROM docket_jobs WHERE 1 = 1" + cursor + " AND owner_id = 'alice'"
            + " ORDER BY owner_id, created_at DESC, id DESC LIMIT 21"))
        .contains("DOCKET_JOBS_OWNER_NEWEST")
        .contains("index sorted");
  }

  @Test
  void depthNeverScansTheTable() throws Exception {
    for (String where : List.of(D.ready(), D.waiting(), D.in(TimedSet.LEASED))) {
      assertThat(plan("SELECT queue, status, COUNT(*) FROM docket_jobs WHERE " + where + " GROUP BY queue, status"))
          .doesNotContain("tableScan");
    }
  }

  private String plan(String sql, String... parameters) throws Exception {
    String plan = String.join("\n", strings("EXPLAIN " + sql, parameters));
    System.out.println("---- " + sql + "\n" + plan);
    return plan;
  }

  private List<String> strings(String query, String... parameters) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s = c.prepareStatement(query)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
