package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.internal.Dialect;
import dev.docket.jdbc.internal.Dialect.TimedSet;
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
 * each query's plan uses its index and never scans or sorts the whole table. The claim's, the
 * timers' (promotion, reaper, purge) and depth's conditions and orders are the store's own
 * (Dialect), so a change to them that loses its index fails here. The plans are printed (see
 * docs/multi-node.md).
 */
@RequiresPostgres
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanTest {

  /** The store's own conditions and orders (JdbcJobStore and JdbcAdminStore build their queries from them). */
  private static final Dialect D = new Dialect.Postgres();

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
      s.execute("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
          + " owner_id, created_at, scheduled_at, started_at, node_id, lease_token, lease_expires_at)"
          + " SELECT 'run-' || g, 'noop', 'default', 'RUNNING', 0, '{}', 1, 3, 'user-1', now(), now(), now(), 'n1',"
          + " 'tok', now() + g * interval '1 second' FROM generate_series(1, 500) g");
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
        plan("SELECT id FROM " + p + "jobs WHERE " + D.readyIn().replace(":queue", "'default'")
            + " AND scheduled_at <= now() ORDER BY " + D.readyOrder() + " LIMIT 16 FOR UPDATE SKIP LOCKED");
    assertThat(plan).contains("Index Scan using " + p + "jobs_ready").doesNotContain("Seq Scan").doesNotContain("Sort");
  }

  /** Promotion (due jobs), the reaper (expired leases) and the purge (finished jobs), each on its partial index. */
  @Test
  void promotionReaperAndPurgeReadTheirTimersInOrder() throws Exception {
    java.util.Map<TimedSet, String> index =
        java.util.Map.of(TimedSet.DUE, "jobs_due", TimedSet.LEASED, "jobs_leases", TimedSet.FINISHED, "jobs_finished");
    for (TimedSet set : TimedSet.values()) {
      assertThat(plan("SELECT id FROM " + p + "jobs WHERE " + D.in(set) + " AND " + D.timeOf(set) + " <= now()"
              + " ORDER BY " + D.inTimeOrder(set) + " LIMIT 1000 FOR UPDATE SKIP LOCKED"))
          .as(set.name())
          .contains("Index Scan using " + p + index.get(set))
          .doesNotContain("Seq Scan")
          .doesNotContain("Sort");
    }
  }

  @Test
  void depthNeverScansFinishedJobs() throws Exception {
    String plan =
        plan("SELECT queue, status, COUNT(*) AS n, MIN(scheduled_at) AS oldest FROM " + p + "jobs"
            + " WHERE " + D.ready() + " GROUP BY queue, status UNION ALL"
            + " SELECT queue, status, COUNT(*) AS n, NULL AS oldest FROM " + p + "jobs"
            + " WHERE " + D.waiting() + " GROUP BY queue, status UNION ALL"
            + " SELECT queue, status, COUNT(*) AS n, NULL AS oldest FROM " + p + "jobs"
            + " WHERE " + D.in(TimedSet.LEASED) + " GROUP BY queue, status");
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
}
