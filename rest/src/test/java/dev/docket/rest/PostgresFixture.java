package dev.docket.rest;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.PostgresDatabase;
import org.jspecify.annotations.Nullable;

/** A PostgreSQL store under a fresh table prefix, and its clean-up. */
final class PostgresFixture {

  private final String prefix = PostgresDatabase.newPrefix();
  private @Nullable HikariDataSource pool;

  JdbcStore store() {
    pool = PostgresDatabase.pool(10);
    return JdbcStore.builder(pool).tablePrefix(prefix).build();
  }

  void close() {
    if (pool != null) {
      pool.close();
    }
    PostgresDatabase.dropTables(prefix);
  }
}
