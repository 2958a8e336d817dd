package dev.docket.jdbc.internal;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.PostgresDatabase;
import dev.docket.jdbc.RequiresPostgres;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.NodeId;
import dev.docket.jdbc.LeaseClock;
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
 * The ack's statement on PostgreSQL finds each job by its primary key even when the statistics
 * were gathered before a burst (a small table, nothing running), with a generic plan (as after a
 * few executions of a prepared statement) and with a custom one. Left to a join, such plans
 * scanned a partial index over every running job (64 ms per ack of 128 jobs with 860 running, in
 * W4 with two engines) or the whole table (14 ms with 19,000 jobs, in W1).
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
      String insert =
          "INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
              + " owner_id, created_at, scheduled_at, finished_at) SELECT 'job-' || g, 'noop', 'default',"
              + " 'SUCCEEDED', 0, '{}', 1, 3, 'u', now(), now(), now() FROM generate_series(%d, %d) g";
      // statistics of a small table with nothing running, then a burst they do not know of
      s.execute(String.format(insert, 100_001, 100_300));
      s.execute("ANALYZE " + p + "jobs");
      s.execute(String.format(insert, 1, 20_000));
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

  /** An array literal of ACKED elements: {@code prefix1, prefix2, ...}, or {@code prefix} each time. */
  private static String array(String prefix) {
    boolean numbered = prefix.endsWith("-");
    StringBuilder b = new StringBuilder("'{");
    for (int i = 1; i <= ACKED; i++) {
      b.append(i > 1 ? "," : "").append('"').append(prefix).append(numbered ? i : "").append('"');
    }
    return b.append("}'").toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void eachAckedJobIsLookedUpByItsId(String planCacheMode) throws Exception {
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
        s.execute("SET LOCAL plan_cache_mode = " + planCacheMode);
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
        .containsPattern("Update on " + p + "jobs j \\(actual time=[0-9.]+ rows=" + ACKED + " loops=1\\)");
    // every read of the jobs table goes through the primary key and reads only the acked rows
    Matcher scans = Pattern.compile("(\\S+ Scan)(?: using (\\S+))? on " + p + "jobs j \\(actual time=[0-9.]+ rows=(\\d+) loops=(\\d+)\\)")
        .matcher(plan);
    int found = 0;
    while (scans.find()) {
      found++;
      assertThat(scans.group(2)).as(plan).isEqualTo(p + "jobs_pkey");
      assertThat(Long.parseLong(scans.group(3)) * Long.parseLong(scans.group(4))).as(plan).isLessThanOrEqualTo(ACKED);
    }
    assertThat(found).as(plan).isPositive();
  }
}
