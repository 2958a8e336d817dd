package dev.docket.jdbc;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobStatus;
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
 * PostgreSQL keeps the listing order in the insert-only {@code job_listing} table (schema v7),
 * which triggers on the jobs table keep whole whoever writes: rows another writer inserts (an
 * older node during a rolling upgrade, a script, one with another search_path) are listed, and a
 * deleted or truncated job leaves the listing with its row. The migration lists the jobs that were there before it.
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
      assertThat(listingRows()).containsExactly("a");

      sql("TRUNCATE " + p + "jobs");
      assertThat(listingRows()).isEmpty();
    }
  }

  @Test
  void theMigrationListsTheJobsThatWereThereBeforeIt() throws Exception {
    JdbcStore.builder(pool).tablePrefix(p).build().close();
    // back to schema v6: no listing table, the listing indexes on the jobs table
    sql("DROP TABLE " + p + "job_listing");
    sql("DROP TRIGGER " + p + "job_listing_add ON " + p + "jobs");
    sql("DROP TRIGGER " + p + "job_listing_remove ON " + p + "jobs");
    sql("DROP TRIGGER " + p + "job_listing_clear ON " + p + "jobs");
    for (String f : List.of("add", "remove", "clear")) {
      sql("DROP FUNCTION " + p + "job_listing_" + f + "()");
    }
    sql("CREATE INDEX " + p + "jobs_newest ON " + p + "jobs (created_at DESC, id DESC)");
    sql("CREATE INDEX " + p + "jobs_owner_newest ON " + p + "jobs (owner_id, created_at DESC, id DESC)");
    sql("CREATE INDEX " + p + "jobs_correlation ON " + p + "jobs (correlation_id, created_at DESC, id DESC)"
        + " WHERE correlation_id IS NOT NULL");
    sql("DROP INDEX " + p + "jobs_waiting");
    sql("CREATE INDEX " + p + "jobs_waiting ON " + p + "jobs (queue, status, owner_id)"
        + " WHERE status IN ('SCHEDULED', 'RUNNING', 'AWAITING_APPROVAL')");
    sql("DELETE FROM " + p + "schema_version WHERE version >= 7");
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

  @Test
  void anExternallyManagedSchemaWithoutTheListingIsRefusedWithTheMigrationToApply() throws Exception {
    JdbcStore.builder(pool).tablePrefix(p).build().close();
    sql("DROP TABLE " + p + "job_listing CASCADE");
    assertThatThrownBy(() -> JdbcStore.builder(pool).tablePrefix(p).schemaMode(SchemaMode.EXTERNAL).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(p + "job_listing")
        .hasMessageContaining("V007__job_listing.sql");
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

  private List<String> listingRows() throws Exception {
    return strings("SELECT id FROM " + p + "job_listing ORDER BY id");
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
