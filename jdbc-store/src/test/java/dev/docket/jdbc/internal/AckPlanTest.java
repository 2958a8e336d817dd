package dev.docket.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.PostgresDatabase;
import dev.docket.jdbc.RequiresPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ack's statement on PostgreSQL finds each job by its primary key even when the statistics
 * say there are no running jobs (they were gathered before a burst) and the plan is generic (as
 * after a few executions of a prepared statement). With the expected status a constant, such a
 * plan scanned a partial index over every running job and matched each against each acked job:
 * 64 ms per ack of 128 jobs with 860 running, found in W4 with two engines.
 */
@RequiresPostgres
class AckPlanTest {

  private static final int RUNNING = 1_500;
  private static final int ACKED = 128;

  private final String p = PostgresDatabase.newPrefix();
  private HikariDataSource ds;

  @BeforeEach
  void runningJobsTheStatisticsDoNotKnowOf() throws Exception {
    ds = PostgresDatabase.pool(1);
    JdbcStore.builder(ds).tablePrefix(p).build().close();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + p + "jobs SET (autovacuum_enabled = false)");
      s.execute(
          "INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
              + " owner_id, created_at, scheduled_at, finished_at) SELECT 'job-' || g, 'noop', 'default',"
              + " 'SUCCEEDED', 0, '{}', 1, 3, 'u', now(), now(), now() FROM generate_series(1, 3000) g");
      s.execute("ANALYZE " + p + "jobs");
      s.execute(
          "UPDATE " + p + "jobs SET status = 'RUNNING', finished_at = NULL, node_id = 'n1',"
              + " lease_token = 'tok-' || substr(id, 5), lease_expires_at = now() + interval '1 minute'"
              + " WHERE CAST(substr(id, 5) AS int) <= " + RUNNING);
    }
  }

  @AfterEach
  void drop() {
    ds.close();
    PostgresDatabase.dropTables(p);
  }

  /** An array literal of ACKED elements: {@code prefix1, prefix2, ...}, or {@code prefix} each time. */
  private static String array(String prefix) {
    boolean numbered = prefix.endsWith("-");
    StringBuilder b = new StringBuilder("'{");
    for (int i = 1; i <= ACKED; i++) {
      b.append(i > 1 ? "," : "").append('"').append(prefix).append(numbered ? i : "").append('"');
    }
    return b.append("}'").toString();
  }

  @Test
  void aGenericPlanStillLooksEachJobUpByItsId() throws Exception {
    String sql =
        JdbcJobStore.SUCCEED_ALL_PG
            .replace("<prefix>", p)
            .replace(":ids", "$1")
            .replace(":tokens", "$2")
            .replace(":results", "$3")
            .replace(":times", "$4");
    List<String> lines = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        s.execute("PREPARE ack(varchar[], varchar[], text[], text[]) AS " + sql);
        try (ResultSet rs =
            s.executeQuery(
                "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE ack(" + array("job-") + ", " + array("tok-") + ", "
                    + array("{}") + ", " + array("2026-12-01T12:00:00Z") + ")")) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      } finally {
        c.rollback();
        s.execute("DEALLOCATE ALL");
        c.setAutoCommit(true);
      }
    }
    String plan = String.join("\n", lines);
    System.out.println(plan);
    assertThat(plan)
        .as(plan)
        .contains("Index Scan using " + p + "jobs_pkey")
        .doesNotContain("Join Filter")
        .contains("Update on " + p + "jobs j (actual")
        .containsPattern("Update on " + p + "jobs j \\(actual time=[0-9.]+ rows=" + ACKED + " loops=1\\)");
  }
}
