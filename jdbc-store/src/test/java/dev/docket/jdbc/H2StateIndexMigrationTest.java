package dev.docket.jdbc;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.NodeId;
import dev.docket.jdbc.internal.Dialect;
import dev.docket.jdbc.internal.SchemaMigrator;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration V009 on an H2 database that holds jobs written under v8: each state's jobs are found
 * on the one new index (the claim in its order, due jobs, leases), the jobs that have a
 * correlation id are listed by it, and the v8 columns and indexes are gone.
 */
class H2StateIndexMigrationTest {

  private static final Instant T0 = dev.docket.testkit.MutableClock.DEFAULT_START;
  private static final NodeId NODE = NodeId.of("n1");

  @TempDir Path dir;

  @Test
  void jobsWrittenUnderV8AreClaimedPromotedAndListedAfterV009() throws Exception {
    try (HikariDataSource pool = H2.pool(dir)) {
      new SchemaMigrator(pool, new Dialect.H2(), "docket_").migrate(8); // the schema as v8 left it
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        String insert =
            "INSERT INTO docket_jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
                + " correlation_id, owner_id, created_at, scheduled_at, finished_at) VALUES ('%s', 'noop', 'default',"
                + " '%s', %d, '{}', 0, 3, %s, 'alice', TIMESTAMP WITH TIME ZONE '%s', TIMESTAMP WITH TIME ZONE '%s', %s)";
        s.execute(String.format(insert, "low", "QUEUED", 0, "'order-1'", T0, T0, "NULL"));
        s.execute(String.format(insert, "high", "QUEUED", 5, "NULL", T0.plusSeconds(1), T0, "NULL"));
        s.execute(String.format(insert, "later", "SCHEDULED", 0, "'order-1'", T0.plusSeconds(2), T0.plusSeconds(60), "NULL"));
        s.execute(String.format(insert, "done", "SUCCEEDED", 0, "'order-2'", T0.plusSeconds(3), T0, "TIMESTAMP WITH TIME ZONE '" + T0 + "'"));
      }

      try (JdbcStore store = JdbcStore.builder(pool).build()) {
        assertThat(versions(pool)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(columns(pool)).contains("STATE_KEY", "STATE_PRIORITY", "STATE_AT")
            .doesNotContain("READY_QUEUE", "TIMER_KIND", "TIMER_AT");
        assertThat(indexes(pool)).contains("DOCKET_JOBS_STATE", "DOCKET_JOB_CORRELATIONS_NEWEST")
            .doesNotContain("DOCKET_JOBS_READY_QUEUE", "DOCKET_JOBS_TIMER", "DOCKET_JOBS_CORRELATION");

        assertThat(ids(store, JobFilter.all().correlationId("order-1"))).containsExactly("later", "low");
        assertThat(ids(store, JobFilter.all().correlationId("order-2"))).containsExactly("done");
        assertThat(ids(store, JobFilter.all())).containsExactly("done", "later", "high", "low");

        // the claim takes the higher priority first, then promotion finds the due job
        List<ClaimedJob> claimed = store.jobs().claim(new ClaimRequest(NODE, "default", 1, T0, Duration.ofSeconds(30)));
        assertThat(claimed).extracting(cj -> cj.job().id().value()).containsExactly("high");
        assertThat(store.jobs().promoteDue(T0.plusSeconds(61), 10)).extracting(j -> j.id().value()).containsExactly("later");
        assertThat(store.jobs().find(JobId.of("later")).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(store.jobs().claim(new ClaimRequest(NODE, "default", 5, T0.plusSeconds(61), Duration.ofSeconds(30))))
            .extracting(cj -> cj.job().id().value())
            .containsExactly("low", "later");

        // a purged job leaves its correlation's listing, and its id may be used again under another
        assertThat(store.admin().purge(T0.plusSeconds(1), java.util.Set.of(JobStatus.SUCCEEDED), 10)).isEqualTo(1);
        assertThat(ids(store, JobFilter.all().correlationId("order-2"))).isEmpty();
        assertThat(count(pool, "SELECT COUNT(*) FROM docket_job_correlations WHERE id = 'done'")).isZero();
        store.jobs().insertAll(List.of(aJob().id("done").correlationId("order-3").createdAt(T0.plusSeconds(4)).build()), "test");
        assertThat(ids(store, JobFilter.all().correlationId("order-2"))).isEmpty();
        assertThat(ids(store, JobFilter.all().correlationId("order-3"))).containsExactly("done");
      }
    }
  }

  private static List<String> ids(JdbcStore store, JobFilter filter) {
    // pages of one, so that the cursor reads the listing too
    List<String> out = new ArrayList<>();
    Optional<dev.docket.Cursor> after = Optional.empty();
    do {
      var page = store.jobs().list(filter, after, 1);
      page.items().forEach(j -> out.add(j.id().value()));
      after = page.next();
    } while (after.isPresent());
    return out;
  }

  private static List<Integer> versions(HikariDataSource pool) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT version FROM docket_schema_version ORDER BY version")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  private static List<String> columns(HikariDataSource pool) throws Exception {
    return strings(pool, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'DOCKET_JOBS'");
  }

  private static List<String> indexes(HikariDataSource pool) throws Exception {
    return strings(pool, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES");
  }

  private static long count(HikariDataSource pool, String sql) throws Exception {
    return Long.parseLong(strings(pool, sql).get(0));
  }

  private static List<String> strings(HikariDataSource pool, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
