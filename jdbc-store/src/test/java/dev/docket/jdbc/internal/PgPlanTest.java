package dev.docket.jdbc.internal;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.NodeId;
import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.LeaseClock;
import dev.docket.jdbc.PostgresDatabase;
import dev.docket.jdbc.RequiresPostgres;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.Completion;
import dev.docket.spi.Outcome;
import dev.docket.spi.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's batch writes on PostgreSQL find each row by its primary key even when the
 * statistics were gathered before a burst (a small table, nothing running). The ack's successes
 * do so with a generic plan (as after a few executions of a prepared statement) and with a custom
 * one, and are planned at each execution: left to a join, such plans scanned a partial index over
 * every running job (64 ms per ack of 128 jobs with 860 running, in W4 with two engines) or every
 * job (48 ms per ack with 20,000 jobs, in W1). The promotion of due jobs does in both plans (it
 * read every scheduled job for each promotion, in a burst of 10,000 due jobs); the scheduler's
 * task advance does with its generic plan. The heartbeat's lease extension does in both plans (as
 * a list of ids with a constant status, it read through {@code jobs_waiting}, 9 ms for 128 of 1,500
 * running jobs with a generic plan).
 */
@RequiresPostgres
class PgPlanTest {

  private static final int RUNNING = 1_500;
  private static final int BATCH = 128;

  private final String p = PostgresDatabase.newPrefix();
  private HikariDataSource ds;

  @BeforeEach
  void rowsTheStatisticsDoNotKnowOf() throws Exception {
    ds = PostgresDatabase.pool(1);
    JdbcStore.builder(ds).tablePrefix(p).build().close();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + p + "jobs SET (autovacuum_enabled = false)");
      s.execute("ALTER TABLE " + p + "tasks SET (autovacuum_enabled = false)");
      String jobs =
          "INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
              + " owner_id, created_at, scheduled_at, finished_at) SELECT 'job-' || g, 'noop', 'default',"
              + " 'SUCCEEDED', 0, '{}', 1, 3, 'u', now(), now(), now() FROM generate_series(%d, %d) g";
      String tasks =
          "INSERT INTO " + p + "tasks (id, name, schedule, timezone, action, args, enabled, misfire_policy,"
              + " owner_id, created_at, updated_at, next_run_at) SELECT 'task-' || g, 't' || g, '* * * * *',"
              + " 'UTC', 'noop', '{}', TRUE, 'SKIP', 'u', now(), now(), TIMESTAMPTZ '2026-12-01 12:00:00Z'"
              + " FROM generate_series(%d, %d) g";
      // statistics of small tables with nothing running, then a burst they do not know of
      s.execute(String.format(jobs, 100_001, 100_300));
      s.execute(String.format(tasks, 100_001, 100_300));
      s.execute("ANALYZE " + p + "jobs");
      s.execute("ANALYZE " + p + "tasks");
      s.execute(String.format(jobs, 1, 20_000));
      s.execute(String.format(tasks, 1, 10_000));
      s.execute(
          "UPDATE " + p + "jobs SET status = 'SCHEDULED', finished_at = NULL, scheduled_at = now() - interval '1 second'"
              + " WHERE CAST(substr(id, 5) AS int) > 10000");
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

  @ParameterizedTest
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void eachAckedJobIsLookedUpByItsId(String planCacheMode) throws Exception {
    String plan =
        explain(
            JdbcJobStore.SUCCEED_ALL_PG,
            planCacheMode,
            List.of(":ids", ":tokens", ":results", ":times"),
            List.of("varchar[]", "varchar[]", "text[]", "text[]"),
            List.of(array("job-"), array("tok-"), array("{}"), array("2026-12-01T12:00:00Z")));
    assertReadsOnlyTheBatchByPrimaryKey(plan, "jobs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void eachPromotedJobIsLookedUpByItsId(String planCacheMode) throws Exception {
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> args = new ArrayList<>();
    StringBuilder params = new StringBuilder();
    for (int i = 1; i <= BATCH; i++) {
      params.append(i > 1 ? "," : "").append(":id").append(i).append(';');
      types.add("varchar");
      args.add("'job-" + (10_000 + i) + "'");
    }
    // :idN; so that :id1 does not also match :id10 (the ';' goes with it)
    for (int i = 1; i <= BATCH; i++) {
      names.add(":id" + i + ";");
    }
    String plan =
        explain(JdbcJobStore.PROMOTE.replace("<ids>", params), planCacheMode, names, types, args);
    assertReadsOnlyTheBatchByPrimaryKey(plan, "jobs");
  }

  /**
   * The generic plan only: a custom one knows the table's size, and for 10,000 narrow rows a scan
   * of them all (1.5 ms) may well be cheaper than 128 lookups. (Only a guard: this statement's
   * generic plan has always used the primary key.)
   */
  @Test
  void eachFiredTaskIsLookedUpByItsId() throws Exception {
    String plan =
        explain(
            JdbcScheduleStore.ADVANCE_ALL_PG,
            "force_generic_plan",
            List.of(":ids", ":fires", ":nexts", ":jobs"),
            List.of("varchar[]", "text[]", "text[]", "varchar[]"),
            List.of(array("task-"), array("2026-12-01T12:00:00Z"), array("2026-12-01T12:01:00Z"), array("job-")));
    assertReadsOnlyTheBatchByPrimaryKey(plan, "tasks");
  }

  /**
   * The heartbeat reads the table three times (the rows to lock, the update, the check), each time
   * only the batch, by primary key; the running jobs that are not in it are never read.
   */
  @ParameterizedTest
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void eachLeaseExtensionFindsItsJobsById(String planCacheMode) throws Exception {
    String plan =
        explain(
            JdbcJobStore.extendLeasesPg(new Dialect.Postgres().dbNowPlusLease()),
            planCacheMode,
            List.of(":ids", ":node", ":leaseMs"),
            List.of("varchar[]", "varchar", "bigint"),
            List.of(array("job-"), "'n1'", "60000"));
    assertReadsOnlyByPrimaryKey(plan, "jobs", 3 * BATCH);
  }

  /**
   * A plan made while the table was young would stay with a named (server-prepared) statement; the
   * ack's is planned at each execution instead. The claim, run as often, is prepared: the check
   * sees what pgjdbc prepares on this one connection.
   */
  @Test
  void theAckIsPlannedAtEachExecution() throws Exception {
    try (Store store = JdbcStore.builder(ds).tablePrefix(p).leaseClock(LeaseClock.ENGINE).build()) {
      Instant now = Instant.parse("2026-12-01T12:00:00Z");
      NodeId node = NodeId.of("n1");
      for (int i = 0; i < 10; i++) {
        store.jobs().insertAll(List.of(aJob().build(), aJob().build()), "test");
        List<ClaimedJob> claimed =
            store.jobs().claim(new ClaimRequest(node, "default", 2, now, Duration.ofMinutes(1)));
        assertThat(claimed).hasSize(2);
        List<Completion> acks = new ArrayList<>();
        for (ClaimedJob c : claimed) {
          acks.add(new Completion(c.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), now));
        }
        assertThat(store.jobs().completeAll(acks)).allSatisfy(j -> assertThat(j).isPresent());
      }
    }
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE statement LIKE '%AS MATERIALIZED%'),"
                    + " count(*) FILTER (WHERE statement LIKE 'WITH picked AS%') FROM pg_prepared_statements")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("the ack, prepared").isZero();
      assertThat(rs.getInt(2)).as("the claim, prepared").isPositive();
    }
  }

  /**
   * Runs {@code sql} (the store's text, named parameters replaced by positional ones) as a
   * prepared statement under {@code planCacheMode} with EXPLAIN ANALYZE, in a transaction rolled
   * back afterwards, and returns the plan.
   */
  private String explain(String sql, String planCacheMode, List<String> names, List<String> types, List<String> args)
      throws Exception {
    String text = sql.replace("<prefix>", p);
    for (int i = 0; i < names.size(); i++) {
      text = text.replace(names.get(i), "$" + (i + 1));
    }
    List<String> lines = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        s.execute("SET LOCAL plan_cache_mode = " + planCacheMode);
        s.execute("PREPARE batch(" + String.join(", ", types) + ") AS " + text);
        try (ResultSet rs =
            s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF) EXECUTE batch(" + String.join(", ", args) + ")")) {
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
    return String.join("\n", lines);
  }

  /** Every read of the table went through its primary key, and read each row of the batch once. */
  private void assertReadsOnlyTheBatchByPrimaryKey(String plan, String table) {
    assertReadsOnlyByPrimaryKey(plan, table, BATCH);
  }

  /** Every read of the table went through its primary key, and they read {@code rows} rows in all. */
  private void assertReadsOnlyByPrimaryKey(String plan, String table, long rows) {
    String t = p + table;
    Matcher scans =
        Pattern.compile("(\\S+ Scan)(?: using (\\S+))? on " + t + "(?: [a-z][a-z0-9_]*)? \\(actual time=[0-9.]+ rows=(\\d+) loops=(\\d+)\\)")
            .matcher(plan);
    long read = 0;
    while (scans.find()) {
      if (!scans.group(1).equals("Heap Scan")) { // a bitmap heap scan's index is on a line of its own
        assertThat(scans.group(2)).as(plan).isEqualTo(t + "_pkey");
      }
      read += Long.parseLong(scans.group(3)) * Long.parseLong(scans.group(4));
    }
    assertThat(read).as(plan).isEqualTo(rows);
    Matcher bitmaps = Pattern.compile("Bitmap Index Scan on (\\S+)").matcher(plan);
    while (bitmaps.find()) {
      assertThat(bitmaps.group(1)).as(plan).isEqualTo(t + "_pkey");
    }
  }

  /** An array literal of BATCH elements: {@code prefix1, prefix2, ...} for a prefix ending in "-", else the value each time. */
  private static String array(String prefix) {
    boolean numbered = prefix.endsWith("-");
    StringBuilder b = new StringBuilder("'{");
    for (int i = 1; i <= BATCH; i++) {
      b.append(i > 1 ? "," : "").append('"').append(prefix).append(numbered ? i : "").append('"');
    }
    return b.append("}'").toString();
  }
}
