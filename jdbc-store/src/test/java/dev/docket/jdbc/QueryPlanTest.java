package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Claim, depth and list stay cheap with 1,000,000 finished and 100,000 future jobs in the table:
 * each query's plan uses its index and never scans or sorts the whole table. The plans are printed
 * (see docs/multi-node.md).
 */
@RequiresPostgres
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanTest {

  private final String p = PostgresDatabase.newPrefix();
  private HikariDataSource ds;

  @BeforeAll
  void fillTable() throws Exception {
    ds = PostgresDatabase.pool(2);
    JdbcStore.builder(ds).tablePrefix(p).build().close();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      String insert =
          "INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
              + " owner_id, created_at, scheduled_at, finished_at) SELECT %s || g, 'noop', 'default', '%s', 0, '{}',"
              + " 1, 3, 'user-' || (g %% 100), now() - interval '1 day' + g * interval '1 millisecond', %s, %s"
              + " FROM generate_series(1, %d) g";
      s.execute(String.format(insert, "'done-'", "SUCCEEDED", "now() - interval '1 day'", "now()", 1_000_000));
      s.execute(String.format(insert, "'future-'", "SCHEDULED", "now() + interval '1 day' + g * interval '1 second'", "NULL", 100_000));
      s.execute(String.format(insert, "'ready-'", "QUEUED", "now() - interval '1 minute'", "NULL", 1_000));
      s.execute("VACUUM ANALYZE " + p + "jobs");
      s.execute("VACUUM ANALYZE " + p + "job_listing");
    }
  }

  @AfterAll
  void drop() {
    ds.close();
    PostgresDatabase.dropTables(p);
  }

  private String plan(String sql) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    String plan = String.join("\n", lines);
    System.out.println("---- " + sql + "\n" + plan);
    return plan;
  }

  @Test
  void claimReadsOnlyTheReadySetInOrder() throws Exception {
    String plan =
        plan("SELECT id FROM " + p + "jobs WHERE status = 'QUEUED' AND queue = 'default' AND scheduled_at <= now()"
            + " ORDER BY priority DESC, scheduled_at, created_at, id LIMIT 16 FOR UPDATE SKIP LOCKED");
    assertThat(plan).contains("Index Scan using " + p + "jobs_ready").doesNotContain("Seq Scan").doesNotContain("Sort");
  }

  @Test
  void promotionReadsOnlyDueScheduledJobs() throws Exception {
    String plan =
        plan("SELECT id FROM " + p + "jobs WHERE status = 'SCHEDULED' AND scheduled_at <= now()"
            + " ORDER BY scheduled_at, id LIMIT 1000 FOR UPDATE SKIP LOCKED");
    assertThat(plan).contains(p + "jobs_due").doesNotContain("Seq Scan");
  }

  @Test
  void depthNeverScansFinishedJobs() throws Exception {
    String plan =
        plan("SELECT queue, status, COUNT(*) AS n, MIN(scheduled_at) AS oldest FROM " + p + "jobs"
            + " WHERE status = 'QUEUED' GROUP BY queue, status UNION ALL"
            + " SELECT queue, status, COUNT(*) AS n, NULL AS oldest FROM " + p + "jobs"
            + " WHERE status IN ('SCHEDULED', 'AWAITING_APPROVAL') GROUP BY queue, status UNION ALL"
            + " SELECT queue, status, COUNT(*) AS n, NULL AS oldest FROM " + p + "jobs"
            + " WHERE status = 'RUNNING' GROUP BY queue, status");
    assertThat(plan).doesNotContain("Seq Scan");
  }

  /** Lists read the insert-only listing table in order and fetch each listed job by its id. */
  @Test
  void listsReadTheNewestPageFromAnIndex() throws Exception {
    String list = "SELECT j.id, j.status FROM " + p + "job_listing l JOIN " + p + "jobs j ON j.id = l.id";
    assertThat(plan(list + " ORDER BY l.created_at DESC, l.id DESC LIMIT 51"))
        .contains(p + "job_listing_newest")
        .contains(p + "jobs_pkey")
        .doesNotContain("Seq Scan")
        .doesNotContain("Sort");
    assertThat(plan(list + " WHERE l.owner_id = 'user-7' ORDER BY l.created_at DESC, l.id DESC LIMIT 51"))
        .contains(p + "job_listing_owner_newest")
        .doesNotContain("Seq Scan");
    assertThat(plan(list + " WHERE l.correlation_id = 'c-1' ORDER BY l.created_at DESC, l.id DESC LIMIT 51"))
        .contains(p + "job_listing_correlation")
        .doesNotContain("Seq Scan");
  }

  /**
   * The listing trigger's delete (the plan auto_explain reports for the nested statement) finds
   * the deleted job's listing row by index, not by reading the 1,101,000 listing rows.
   */
  @Test
  void deletingAJobFindsItsListingRowByIndex() throws Exception {
    List<String> plans = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("LOAD 'auto_explain'");
      s.execute("SET auto_explain.log_min_duration = 0");
      s.execute("SET auto_explain.log_nested_statements = on");
      s.execute("SET auto_explain.log_level = notice");
      s.execute("DELETE FROM " + p + "jobs WHERE id = 'done-5'");
      for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
        plans.add(w.getMessage());
      }
      c.rollback();
      c.setAutoCommit(true);
    }
    String trigger = plans.stream().filter(m -> m.contains("USING removed")).findFirst().orElseThrow();
    System.out.println("---- the listing trigger's delete\n" + trigger);
    assertThat(trigger).contains(p + "job_listing_newest").doesNotContain("Seq Scan on " + p + "job_listing");
  }

  @Test
  void reaperReadsOnlyRunningLeases() throws Exception {
    assertThat(
            plan("SELECT id FROM " + p + "jobs WHERE status = 'RUNNING' AND lease_expires_at < now()"
                + " ORDER BY lease_expires_at LIMIT 500 FOR UPDATE SKIP LOCKED"))
        .contains(p + "jobs_leases")
        .doesNotContain("Seq Scan");
  }
}
