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

  /** The creation instant of the 100,000 newest jobs. */
  private static final java.time.Instant BURST = java.time.Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

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
      s.execute("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
          + " correlation_id, owner_id, created_at, scheduled_at, finished_at) SELECT 'corr-' || g, 'noop', 'default',"
          + " 'SUCCEEDED', 0, '{}', 1, 3, 'c-' || (g % 7), 'user-1', now() - interval '1 day', now(), now()"
          + " FROM generate_series(1, 10000) g");
      // the newest: 100,000 jobs of one statement at one instant (a submitAll of 100,000 makes 20
      // such statements of 5,000), which the listing keeps as 100 rows of 1,000 ids
      s.execute("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
          + " owner_id, created_at, scheduled_at, finished_at) SELECT 'burst-' || g, 'noop', 'default', 'SUCCEEDED', 0,"
          + " '{}', 1, 3, 'user-1', TIMESTAMPTZ '" + BURST + "', now(), now() FROM generate_series(1, 100000) g");
      s.execute("VACUUM ANALYZE " + p + "jobs");
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
    return plan(sql, List.of(), new ArrayList<>());
  }

  /**
   * The plan of {@code sql} with its {@code ?} bound to {@code params} (an Instant as timestamptz),
   * as PostgreSQL runs it; the first column of the rows it returns goes to {@code rows}.
   */
  private String plan(String sql, List<Object> params, List<String> rows) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = ds.getConnection()) {
      for (String prefix : List.of("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ", "")) {
        try (java.sql.PreparedStatement ps = c.prepareStatement(prefix + sql)) {
          for (int i = 0; i < params.size(); i++) {
            Object v = params.get(i);
            ps.setObject(i + 1, v instanceof java.time.Instant t ? java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.UTC) : v);
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              (prefix.isEmpty() ? rows : lines).add(rs.getString(1));
            }
          }
        }
      }
    }
    String plan = String.join("\n", lines);
    System.out.println("---- " + sql + " " + params + "\n" + plan);
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
   * unnested and the (created_at, id) pairs sorted within each instant only (an incremental sort:
   * the rows come in created_at order), then each listed job by its id. The newest instant holds
   * 100,000 jobs: a page fetches about its own 51 jobs, not the 100,000, with or without a filter
   * on the jobs' state, and after a cursor bound as parameters inside that instant. The shapes are
   * those of JdbcJobStore.list.
   */
  @Test
  void listsReadTheNewestPageFromAnIndex() throws Exception {
    // the trigger keeps the 100,000 ids of the one statement as rows of at most 1,000
    List<String> burstRows = new ArrayList<>();
    plan("SELECT count(*) || ' ' || max(cardinality(ids)) FROM " + p + "job_batches WHERE created_at = ?", List.of(BURST), burstRows);
    assertThat(burstRows).containsExactly("100 1000");
    String cursor = " AND b.created_at <= ? AND (b.created_at < ? OR l.id < ?)";
    for (String where : List.of("", " AND b.owner_id = 'user-1'", cursor)) {
      // without a filter on the jobs' columns: the page's pairs, then their jobs; with one
      // (listBatchesFiltered): a window of pairs, its jobs fetched and filtered
      String page = "SELECT j.id, j.status FROM (SELECT b.created_at, l.id FROM " + p + "job_batches b"
          + " CROSS JOIN LATERAL unnest(b.ids) AS l(id) WHERE 1 = 1" + where
          + " ORDER BY b.created_at DESC, l.id DESC LIMIT 51) l JOIN " + p + "jobs j ON j.id = l.id"
          + " ORDER BY l.created_at DESC, l.id DESC";
      String window = "WITH w AS MATERIALIZED (SELECT b.created_at, l.id FROM " + p + "job_batches b CROSS JOIN LATERAL"
          + " unnest(b.ids) AS l(id) WHERE 1 = 1" + where + " ORDER BY b.created_at DESC, l.id DESC LIMIT 256)"
          + " SELECT w.id, j.status FROM w LEFT JOIN " + p + "jobs j ON j.id = w.id AND j.status IN ('SUCCEEDED')"
          + " ORDER BY w.created_at DESC, w.id DESC";
      for (String sql : List.of(page, window)) {
        int n = sql == page ? 51 : 256;
        List<String> rows = new ArrayList<>();
        String plan = plan(sql, where.equals(cursor) ? List.of(BURST, BURST, "burst-5") : List.of(), rows);
        assertThat(plan)
            .as(sql)
            .contains(p + (where.contains("owner") ? "job_batches_owner_newest" : "job_batches_newest"))
            .contains("Incremental Sort")
            .doesNotContain("Seq Scan")
            .doesNotContain("Bitmap")
            .doesNotContain("Disk");
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("Index Scan using " + p + "jobs_pkey.*loops=(\\d+)").matcher(plan);
        assertThat(m.find()).as(plan).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("jobs fetched: " + sql).isEqualTo(n);
        // the page itself: the batch's ids in descending order (after the cursor: those below burst-5)
        assertThat(rows).hasSize(n).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(rows).allMatch(r -> r.startsWith("burst-") && (!where.equals(cursor) || r.compareTo("burst-5") < 0));
      }
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
      assertThat(trigger).as(delete).hasSize(4);
      assertThat(String.join("\n", trigger))
          .as(delete)
          .contains(p + "job_batches_owner_newest")
          .contains(p + "job_correlations_newest")
          .doesNotContain("Seq Scan on " + p + "job_batches")
          .doesNotContain("Seq Scan on " + p + "job_correlations");
    }
  }
}
