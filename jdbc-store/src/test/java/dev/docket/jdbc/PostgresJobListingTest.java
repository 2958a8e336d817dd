package dev.docket.jdbc;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobStatus;
import dev.docket.jdbc.internal.Dialect;
import dev.docket.jdbc.internal.SchemaMigrator;
import dev.docket.spi.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL keeps the listing order in tables of its own, which triggers on the jobs table keep
 * whole whoever writes (schema v7; since v10 one {@code job_batches} row per inserting
 * statement's (created_at, owner) group, and a {@code job_correlations} row per job that has a
 * correlation id): rows another writer inserts (a script, one with another search_path) are
 * listed, and a deleted or truncated job leaves the listing. The migrations list the jobs that
 * were there before them.
 */
@RequiresPostgres
class PostgresJobListingTest {

  private static final Instant T0 = dev.docket.testkit.MutableClock.DEFAULT_START;

  private final String p = PostgresDatabase.newPrefix();
  private HikariDataSource pool;

  @BeforeEach
  void open() {
    pool = PostgresDatabase.pool(4);
  }

  @AfterEach
  void close() {
    pool.close();
    PostgresDatabase.dropTables(p);
  }

  @Test
  void jobsAnyWriterInsertsAreListedAndLeaveTheListingWithTheirRow() throws Exception {
    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      store.jobs().insertAll(
          List.of(
              aJob().id("a").owner("alice").correlationId("c1").createdAt(T0).build(),
              aJob().id("b").owner("bob").createdAt(T0.plusSeconds(1)).build()),
          "test");
      sql("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
          + " correlation_id, owner_id, created_at, scheduled_at) VALUES ('raw', 'noop', 'default', 'QUEUED', 0,"
          + " '{}', 0, 3, 'c1', 'alice', TIMESTAMPTZ '" + T0.plusSeconds(2) + "', TIMESTAMPTZ '" + T0 + "')");

      // and one whose search_path does not hold the tables' schema
      String schema = strings("SELECT current_schema()").get(0);
      sql("SET search_path = pg_catalog; INSERT INTO " + schema + "." + p + "jobs (id, function_name, queue, status,"
          + " priority, args, attempts, max_attempts, owner_id, created_at, scheduled_at) VALUES ('elsewhere', 'noop',"
          + " 'default', 'QUEUED', 0, '{}', 0, 3, 'carol', TIMESTAMPTZ '" + T0.plusSeconds(3) + "', TIMESTAMPTZ '" + T0
          + "'); DELETE FROM " + schema + "." + p + "jobs WHERE id = 'a-gone'; RESET search_path");
      assertThat(ids(store, JobFilter.all().owner("carol"))).containsExactly("elsewhere");
      sql("DELETE FROM " + p + "jobs WHERE id = 'elsewhere'");

      assertThat(ids(store, JobFilter.all())).containsExactly("raw", "b", "a");
      assertThat(ids(store, JobFilter.all().owner("alice"))).containsExactly("raw", "a");
      assertThat(ids(store, JobFilter.all().correlationId("c1"))).containsExactly("raw", "a");
      // the state filters read the job's row, as it is now
      sql("UPDATE " + p + "jobs SET status = 'SUCCEEDED', finished_at = TIMESTAMPTZ '" + T0 + "' WHERE id = 'b'");
      assertThat(ids(store, JobFilter.all().status(JobStatus.SUCCEEDED))).containsExactly("b");

      sql("DELETE FROM " + p + "jobs WHERE id = 'raw'");
      assertThat(ids(store, JobFilter.all())).containsExactly("b", "a");
      assertThat(store.admin().purge(T0.plusSeconds(1), Set.of(JobStatus.SUCCEEDED), 100)).isEqualTo(1);
      assertThat(ids(store, JobFilter.all())).containsExactly("a");
      assertThat(listingRows()).containsExactly("a", "correlated a");

      sql("TRUNCATE " + p + "jobs");
      assertThat(listingRows()).isEmpty();
    }
  }

  @Test
  void theMigrationsListTheJobsThatWereThereBeforeThem() throws Exception {
    // schema v6: no listing tables, the listing indexes on the jobs table
    new SchemaMigrator(pool, new Dialect.Postgres(), p).migrate(6);
    sql("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
        + " owner_id, created_at, scheduled_at) SELECT 'old-' || g, 'noop', 'default', 'QUEUED', 0, '{}', 0, 3,"
        + " 'alice', TIMESTAMPTZ '" + T0 + "' + g * INTERVAL '1 second', TIMESTAMPTZ '" + T0 + "'"
        + " FROM generate_series(1, 3) g");

    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      assertThat(ids(store, JobFilter.all())).containsExactly("old-3", "old-2", "old-1");
      assertThat(ids(store, JobFilter.all().owner("alice"))).containsExactly("old-3", "old-2", "old-1");
      store.jobs().insertAll(List.of(aJob().id("new").createdAt(T0.plusSeconds(9)).build()), "test");
      assertThat(ids(store, JobFilter.all())).containsExactly("new", "old-3", "old-2", "old-1");
    }
    assertThat(indexes()).doesNotContain(p + "jobs_newest", p + "jobs_owner_newest", p + "jobs_correlation");
  }

  /**
   * V010 on a database that v9 listed one row per job (job_listing): each (created_at, owner)
   * group becomes one batch row, the correlated jobs get their rows, job_listing and its trigger
   * functions are gone, and the lists are what they were.
   */
  @Test
  void v010ListsWhatV9Listed() throws Exception {
    new SchemaMigrator(pool, new Dialect.Postgres(), p).migrate(9);
    String insert = "INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts,"
        + " max_attempts, correlation_id, owner_id, created_at, scheduled_at) VALUES ";
    String row = "('%s', 'noop', 'default', 'QUEUED', 0, '{}', 0, 3, %s, '%s', TIMESTAMPTZ '%s', TIMESTAMPTZ '" + T0 + "')";
    sql(insert + String.format(row, "a1", "'order-1'", "alice", T0) + ", " + String.format(row, "a3", "NULL", "alice", T0)
        + ", " + String.format(row, "b2", "'order-1'", "bob", T0) + ", " + String.format(row, "a2", "NULL", "alice", T0));
    sql(insert + String.format(row, "a4", "'order-2'", "alice", T0.plusSeconds(1)));
    // 2,500 of one instant and owner, in rows of at most 1,000 after the migration
    sql("INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts, owner_id,"
        + " created_at, scheduled_at) SELECT 'c' || lpad(g::text, 4, '0'), 'noop', 'default', 'QUEUED', 0, '{}', 0, 3,"
        + " 'carol', TIMESTAMPTZ '" + T0.minusSeconds(1) + "', TIMESTAMPTZ '" + T0 + "' FROM generate_series(1, 2500) g");
    assertThat(strings("SELECT COUNT(*) FROM " + p + "job_listing")).containsExactly("2505");

    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      assertThat(strings("SELECT MAX(version) FROM " + p + "schema_version")).containsExactly("10");
      assertThat(strings("SELECT owner_id || ' ' || array_length(ids, 1) FROM " + p + "job_batches ORDER BY 1"))
          .containsExactly("alice 1", "alice 3", "bob 1", "carol 1000", "carol 1000", "carol 500");
      List<String> carol = new ArrayList<>();
      for (int g = 2500; g >= 1; g--) {
        carol.add(String.format("c%04d", g));
      }
      assertThat(ids(store, JobFilter.all().owner("carol"))).isEqualTo(carol);
      assertThat(ids(store, JobFilter.all()).subList(0, 5)).containsExactly("a4", "b2", "a3", "a2", "a1");
      assertThat(ids(store, JobFilter.all().owner("alice"))).containsExactly("a4", "a3", "a2", "a1");
      assertThat(ids(store, JobFilter.all().owner("bob"))).containsExactly("b2");
      assertThat(ids(store, JobFilter.all().correlationId("order-1"))).containsExactly("b2", "a1");
      assertThat(ids(store, JobFilter.all().correlationId("order-1").owner("alice"))).containsExactly("a1");
      assertThat(ids(store, JobFilter.all().correlationId("order-2"))).containsExactly("a4");
    }
    assertThat(strings("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = '" + p + "job_listing'")).isEmpty();
    assertThat(strings("SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace AND proname LIKE '"
            + p.replace("_", "\\_") + "%' ORDER BY 1"))
        .containsExactly(p + "job_listing_add", p + "job_listing_clear", p + "job_listing_remove");
  }

  /**
   * The jobs one statement inserts at one instant for one owner share a batch row; lists read them
   * in id order across pages and among other owners' jobs of the same instant, and deleting them
   * takes their ids out of the row, then the row. An id used again after its job was deleted is
   * listed once, at its new job's place.
   */
  @Test
  void aStatementsJobsShareOneBatchRowThatDeletesEmpty() throws Exception {
    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      List<dev.docket.spi.NewJob> batch = new ArrayList<>();
      for (String id : List.of("e", "a", "c", "b", "d")) {
        batch.add(aJob().id(id).owner("alice").createdAt(T0).build());
      }
      store.jobs().insertAll(batch, "test");
      store.jobs().insertAll(List.of(aJob().id("bb").owner("bob").createdAt(T0).build()), "test");
      store.jobs().insertAll(List.of(aJob().id("later").owner("alice").createdAt(T0.plusSeconds(1)).build()), "test");
      assertThat(batchRows()).containsExactly("alice " + T0 + " {a,b,c,d,e}", "alice " + T0.plusSeconds(1) + " {later}", "bob " + T0 + " {bb}");

      assertThat(ids(store, JobFilter.all())).containsExactly("later", "e", "d", "c", "bb", "b", "a");
      assertThat(ids(store, JobFilter.all().owner("alice"))).containsExactly("later", "e", "d", "c", "b", "a");
      assertThat(ids(store, JobFilter.all().status(JobStatus.QUEUED).owner("bob"))).containsExactly("bb");

      sql("DELETE FROM " + p + "jobs WHERE id IN ('a', 'd', 'bb')");
      assertThat(batchRows()).containsExactly("alice " + T0 + " {b,c,e}", "alice " + T0.plusSeconds(1) + " {later}");
      assertThat(ids(store, JobFilter.all())).containsExactly("later", "e", "c", "b");

      // the id comes back at the same instant: one listing entry, the new job's
      store.jobs().insertAll(List.of(aJob().id("a").owner("carol").createdAt(T0).build()), "test");
      assertThat(ids(store, JobFilter.all())).containsExactly("later", "e", "c", "b", "a");
      assertThat(ids(store, JobFilter.all().owner("alice"))).containsExactly("later", "e", "c", "b");

      sql("DELETE FROM " + p + "jobs WHERE id IN ('b', 'c', 'e')");
      assertThat(batchRows()).containsExactly("alice " + T0.plusSeconds(1) + " {later}", "carol " + T0 + " {a}");
    }
  }

  /**
   * A filter on the jobs' state reads the listing in windows (JdbcJobStore.listBatchesFiltered):
   * five matches among 1,500 jobs of one submit (three batch rows, six windows at pages of two) come
   * in order, each once, across the pages.
   */
  @Test
  void aFilterOnTheJobsStateFindsSparseMatchesAcrossWindows() throws Exception {
    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      List<dev.docket.spi.NewJob> batch = new ArrayList<>();
      for (int i = 0; i < 1_500; i++) {
        batch.add(aJob().id(String.format("j%04d", i)).createdAt(T0).build());
      }
      store.jobs().insertAll(batch, "test");
      assertThat(strings("SELECT array_length(ids, 1) FROM " + p + "job_batches ORDER BY 1")).containsExactly("500", "500", "500"); // explicit ids: statements of 500
      sql("UPDATE " + p + "jobs SET status = 'SUCCEEDED', finished_at = TIMESTAMPTZ '" + T0 + "'"
          + " WHERE id IN ('j0003', 'j0400', 'j0777', 'j1001', 'j1499')");
      assertThat(ids(store, JobFilter.all().status(JobStatus.SUCCEEDED)))
          .containsExactly("j1499", "j1001", "j0777", "j0400", "j0003");
      assertThat(ids(store, JobFilter.all().status(JobStatus.SUCCEEDED).owner("alice")))
          .containsExactly("j1499", "j1001", "j0777", "j0400", "j0003");
      assertThat(ids(store, JobFilter.all().status(JobStatus.SUCCEEDED).owner("bob"))).isEmpty();
      assertThat(ids(store, JobFilter.all().status(JobStatus.QUEUED))).hasSize(1_495).doesNotHaveDuplicates();
    }
  }

  /**
   * Two transactions that delete different jobs of one batch row at the same time: the second
   * waits for the row, then takes its own id out of the row as the first left it; neither id
   * stays listed.
   */
  @Test
  void concurrentDeletesOfOneBatchRowsJobsBothLeaveIt() throws Exception {
    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      store.jobs().insertAll(
          List.of(aJob().id("x").createdAt(T0).build(), aJob().id("y").createdAt(T0).build(), aJob().id("z").createdAt(T0).build()),
          "test");
      try (Connection first = pool.getConnection();
          Connection second = pool.getConnection()) {
        first.setAutoCommit(false);
        second.setAutoCommit(false);
        try (Statement s = first.createStatement()) {
          s.execute("DELETE FROM " + p + "jobs WHERE id = 'x'");
        }
        java.util.concurrent.CompletableFuture<Void> other =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> {
                  try (Statement s = second.createStatement()) {
                    s.execute("DELETE FROM " + p + "jobs WHERE id = 'y'");
                    second.commit();
                  } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        // the second delete's trigger waits on the batch row the first one updated
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(() -> !strings("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE"
                + " 'DELETE FROM " + p + "jobs%'").isEmpty());
        first.commit();
        other.get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(batchRows()).containsExactly("alice " + T0 + " {z}");
      assertThat(ids(store, JobFilter.all())).containsExactly("z");
    }
  }

  @Test
  void anExternallyManagedSchemaWithoutTheListingIsRefusedWithTheMigrationToApply() throws Exception {
    JdbcStore.builder(pool).tablePrefix(p).build().close();
    sql("DROP TABLE " + p + "job_batches CASCADE");
    assertThatThrownBy(() -> JdbcStore.builder(pool).tablePrefix(p).schemaMode(SchemaMode.EXTERNAL).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(p + "job_batches")
        .hasMessageContaining("V010__pg_batch_listing.sql");
  }

  private static List<String> ids(JdbcStore store, JobFilter filter) {
    // pages of two, so that the cursor reads the listing too
    List<String> out = new ArrayList<>();
    Optional<dev.docket.Cursor> after = Optional.empty();
    do {
      var page = store.jobs().list(filter, after, 2);
      page.items().stream().map(Job::id).map(id -> id.value()).forEach(out::add);
      after = page.next();
    } while (after.isPresent());
    return out;
  }

  private void sql(String statement) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** Every listing row: the batch rows' ids, and "correlated <id>" for each correlation row. */
  private List<String> listingRows() throws Exception {
    return strings("SELECT x FROM " + p + "job_batches, unnest(ids) AS x UNION ALL SELECT 'correlated ' || id FROM "
        + p + "job_correlations ORDER BY 1");
  }

  /** "owner created_at {ids, sorted}" per batch row. */
  private List<String> batchRows() throws Exception {
    return strings("SELECT owner_id || ' ' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ' '"
        + " || ARRAY(SELECT x FROM unnest(ids) AS x ORDER BY x)::text FROM " + p + "job_batches ORDER BY 1");
  }

  private List<String> indexes() throws Exception {
    return strings("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '" + p + "jobs'");
  }

  private List<String> strings(String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
