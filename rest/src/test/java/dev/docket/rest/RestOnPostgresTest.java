package dev.docket.rest;

import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.PostgresDatabase;
import dev.docket.jdbc.RequiresPostgres;

/** The REST contract on PostgreSQL. */
@RequiresPostgres
class RestOnPostgresTest extends RestContract {

  private final String prefix = PostgresDatabase.newPrefix();
  private com.zaxxer.hikari.HikariDataSource pool;

  @Override
  JdbcStore store() {
    pool = PostgresDatabase.pool(10);
    return JdbcStore.builder(pool).tablePrefix(prefix).build();
  }

  @Override
  void cleanUp() {
    if (pool != null) {
      pool.close();
    }
    PostgresDatabase.dropTables(prefix);
  }
}
