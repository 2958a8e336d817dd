package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.InvalidRequestException;
import dev.docket.jdbc.internal.SchemaMigrator;
import dev.docket.spi.StoreException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigratorTest {

  @TempDir Path dir;

  private static List<String> files(String dialect) throws IOException, URISyntaxException {
    Path folder =
        Path.of(SchemaMigrator.class.getClassLoader().getResource("dev/docket/jdbc/migration/" + dialect).toURI());
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void bothDialectsShipTheSameVersionsAndTheMigratorKnowsThemAll() throws Exception {
    assertThat(files("h2")).isEqualTo(files("postgresql"));
    assertThat(files("h2")).isEqualTo(SchemaMigrator.MIGRATIONS);
  }

  @Test
  void badTablePrefixIsRejectedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> JdbcStore.h2(dir, "docket; DROP TABLE x"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("tablePrefix"));
    assertThat(dir.resolve("docket.mv.db")).doesNotExist();
    try (HikariDataSource pool = H2.pool(dir)) {
      assertThatThrownBy(() -> JdbcStore.builder(pool).tablePrefix("Upper"))
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void unsupportedDatabaseIsAClearErrorAtStart() {
    DataSource mysql =
        (DataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (p, m, a) -> {
                  if (m.getName().equals("getConnection")) {
                    return fakeConnection("MySQL");
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    assertThatThrownBy(() -> JdbcStore.create(mysql))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("MySQL")
        .hasMessageContaining("H2 and PostgreSQL");
  }

  private static Connection fakeConnection(String product) {
    DatabaseMetaData md =
        (DatabaseMetaData)
            Proxy.newProxyInstance(
                SchemaMigratorTest.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                (p, m, a) -> switch (m.getName()) {
                  case "getDatabaseProductName" -> product;
                  case "getURL" -> "jdbc:fake";
                  default -> throw new UnsupportedOperationException(m.getName());
                });
    return (Connection)
        Proxy.newProxyInstance(
            SchemaMigratorTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (p, m, a) -> switch (m.getName()) {
              case "getMetaData" -> md;
              case "close" -> null;
              default -> throw new UnsupportedOperationException(m.getName());
            });
  }

  @Test
  void schemaNewerThanTheCodeIsRefused() throws Exception {
    try (HikariDataSource pool = H2.pool(dir)) {
      JdbcStore.create(pool).close();
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO docket_schema_version VALUES (999, 'V999__future.sql', CURRENT_TIMESTAMP)");
      }
      assertThatThrownBy(() -> JdbcStore.create(pool))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("999")
          .hasMessageContaining("newer");
    }
  }

  @Test
  void externallyManagedSchemaMustExist() {
    try (HikariDataSource pool = H2.pool(dir)) {
      assertThatThrownBy(() -> JdbcStore.builder(pool).schemaMode(SchemaMode.EXTERNAL).build())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("docket_jobs")
          .hasMessageContaining("migrations");
      JdbcStore.create(pool).close();
      JdbcStore.builder(pool).schemaMode(SchemaMode.EXTERNAL).build().close();
    }
  }

  @Test
  void externallyManagedSchemaWithoutV006IsRefusedWithTheMigrationToApply() throws Exception {
    assertExternalSchemaRefused(
        List.of("ALTER TABLE docket_jobs DROP COLUMN history_implicit"), "history_implicit", "V006__implicit_history.sql");
  }

  @Test
  void externallyManagedH2SchemaWithoutV009IsRefusedWithTheMigrationToApply() throws Exception {
    assertExternalSchemaRefused(
        List.of("DROP INDEX docket_jobs_state", "ALTER TABLE docket_jobs DROP COLUMN state_key"),
        "state_key",
        "V009__h2_one_state_index.sql");
  }

  @Test
  void externallyManagedH2SchemaWithoutTheCorrelationListingIsRefusedWithTheMigrationToApply() throws Exception {
    assertExternalSchemaRefused(
        List.of("DROP TABLE docket_job_correlations"), "docket_job_correlations", "V009__h2_one_state_index.sql");
  }

  /** A complete H2 schema less what {@code statements} drop is refused, the error naming {@code missing} and the file. */
  private void assertExternalSchemaRefused(List<String> statements, String missing, String migration) throws Exception {
    try (HikariDataSource pool = H2.pool(dir)) {
      JdbcStore.create(pool).close();
      try (java.sql.Connection c = pool.getConnection();
          java.sql.Statement s = c.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
      assertThatThrownBy(() -> JdbcStore.builder(pool).schemaMode(SchemaMode.EXTERNAL).build())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(missing)
          .hasMessageContaining(migration);
    }
  }

  @Test
  void h2StoresStartingTogetherMigrateOnce() throws Exception {
    try (HikariDataSource pool = H2.pool(dir)) {
      startTogether(8, () -> JdbcStore.create(pool));
      assertThat(versions(pool, "docket_")).isEqualTo(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    }
  }

  @Test
  @RequiresPostgres
  void postgresNodesStartingTogetherMigrateOnce() throws Exception {
    String prefix = PostgresDatabase.newPrefix();
    try (HikariDataSource pool = PostgresDatabase.pool(10)) {
      startTogether(8, () -> JdbcStore.builder(pool).tablePrefix(prefix).build());
      assertThat(versions(pool, prefix)).isEqualTo(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    } finally {
      PostgresDatabase.dropTables(prefix);
    }
  }

  private static void startTogether(int n, java.util.function.Supplier<JdbcStore> open) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<JdbcStore>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(pool.submit(() -> {
          barrier.await();
          return open.get();
        }));
      }
      for (Future<JdbcStore> f : fs) {
        f.get(60, TimeUnit.SECONDS).close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Integer> versions(DataSource ds, String prefix) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM " + prefix + "schema_version ORDER BY version")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }
}
