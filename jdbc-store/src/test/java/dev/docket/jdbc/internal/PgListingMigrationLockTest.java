package dev.docket.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.JobFilter;
import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.PostgresDatabase;
import dev.docket.jdbc.RequiresPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What migration V010 locks while it runs, as its header says: writers of the jobs table wait
 * until it commits (so no job goes unlisted between its copy and its new trigger functions);
 * readers of the jobs table do not. The migration's statements run in an open transaction, as
 * SchemaMigrator runs them, while a second connection reads and tries to write.
 */
@RequiresPostgres
class PgListingMigrationLockTest {

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
  void readersGoOnWhileV010RunsAndWritersWaitForItsCommit() throws Exception {
    SchemaMigrator migrator = new SchemaMigrator(pool, new Dialect.Postgres(), p);
    migrator.migrate(9);
    String insert = "INSERT INTO " + p + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
        + " owner_id, created_at, scheduled_at) VALUES ('%s', 'noop', 'default', 'QUEUED', 0, '{}', 0, 3, 'alice',"
        + " now(), now())";
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute(String.format(insert, "before"));
    }
    try (Connection migrating = pool.getConnection();
        Connection other = pool.getConnection();
        Statement m = migrating.createStatement();
        Statement o = other.createStatement()) {
      migrating.setAutoCommit(false);
      for (String statement : SchemaMigrator.statements(migrator.script("V010__pg_batch_listing.sql"))) {
        m.execute(statement);
      }
      o.execute("SET lock_timeout = '2s'");
      try (ResultSet rs = o.executeQuery("SELECT COUNT(*) FROM " + p + "jobs")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1); // the reader did not wait
      }
      o.execute("SET lock_timeout = '200ms'");
      assertThatThrownBy(() -> o.execute(String.format(insert, "during")))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P03")); // lock_not_available
      m.execute("INSERT INTO " + p + "schema_version (version, description, applied_at) VALUES (10, 'V010__pg_batch_listing.sql', now())");
      migrating.commit();
      o.execute(String.format(insert, "after"));
    }
    try (JdbcStore store = JdbcStore.builder(pool).tablePrefix(p).build()) {
      assertThat(store.jobs().list(JobFilter.all(), java.util.Optional.empty(), 10).items())
          .extracting(j -> j.id().value())
          .containsExactlyInAnyOrder("before", "after");
    }
  }
}
