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
      s.execute("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
          + " correlation_id, owner_id, created_at, scheduled_at, finished_at) SELECT 'corr-' || g, 'noop', 'default',"
          + " 'SUCCEEDED', 0, '{}', 1, 3, 'c-' || (g % 7), 'user-1', now() - interval '1 day', now(), now()"
          + " FROM generate_series(1, 10000) g");
      s.execute("VACUUM ANALYZE " + p + "job_batches");
      s.execute("VACUUM ANALYZE " + p + "job_correlations");
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

  /**
   * Lists read the listing tables in order (V010): the newest batch rows from an index, their ids
   * unnested and sorted within each row only (an incremental sort: the rows come in created_at
   * order), and each listed job by its id. The shapes are those of JdbcJobStore.list.
   */
  @Test
  void listsReadTheNewestPageFromAnIndex() throws Exception {
    String list = "SELECT j.id, j.status FROM " + p + "job_batches b CROSS JOIN LATERAL unnest(b.ids) AS l(id)"
        + " JOIN " + p + "jobs j ON j.id = l.id";
    for (String where : List.of("", " AND b.owner_id = 'user-7'",
        " AND b.created_at <= now() - interval '2 hours' AND (b.created_at < now() - interval '2 hours' OR l.id < 'done-5')")) {
      assertThat(plan(list + " WHERE 1 = 1" + where + " ORDER BY b.created_at DESC, l.id DESC LIMIT 51"))
          .as(where)
          .contains(p + (where.contains("owner") ? "job_batches_owner_newest" : "job_batches_newest"))
          .contains(p + "jobs_pkey")
          .contains("Incremental Sort")
          .doesNotContain("Seq Scan")
          .doesNotContainPattern("(->  |^)Sort \\(");
    }
    assertThat(plan("SELECT j.id, j.status FROM " + p + "job_correlations l JOIN " + p + "jobs j ON j.id = l.id"
            + " WHERE l.correlation_id = 'c-1' ORDER BY l.created_at DESC, l.id DESC LIMIT 51"))
        .contains(p + "job_correlations_newest")
        .doesNotContain("Seq Scan")
        .doesNotContain("Sort");
  }

  /**
   * The listing trigger's statements (the plans auto_explain reports for the nested statements)
   * find the deleted jobs' batch rows and correlation rows by index, not by reading the 1,101,000
   * listing rows: for one job, and for a purge's thousand.
   */
  @Test
  void deletingJobsFindsTheirListingRowsByIndex() throws Exception {
    for (String delete : List.of("id = 'corr-5'", "id LIKE 'done-1%' AND length(id) = 9")) {
      List<String> plans = new ArrayList<>();
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.execute("LOAD 'auto_explain'");
        s.execute("SET auto_explain.log_min_duration = 0");
        s.execute("SET auto_explain.log_nested_statements = on");
        s.execute("SET auto_explain.log_level = notice");
        s.execute("DELETE FROM " + p + "jobs WHERE " + delete);
        for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
          plans.add(w.getMessage());
        }
        c.rollback();
        c.setAutoCommit(true);
      }
      List<String> trigger = plans.stream().filter(m -> m.contains("removed")).toList();
      System.out.println("---- the listing trigger's statements at DELETE ... WHERE " + delete + "\n" + String.join("\n", trigger));
      assertThat(trigger).as(delete).hasSize(3);
      assertThat(String.join("\n", trigger))
          .as(delete)
          .contains(p + "job_batches_owner_newest")
          .contains(p + "job_correlations_newest")
          .doesNotContain("Seq Scan on " + p + "job_batches")
          .doesNotContain("Seq Scan on " + p + "job_correlations");
    }
  }
}
