package dev.docket.rest;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.PostgresDatabase;
import dev.docket.jdbc.RequiresPostgres;

/** The authorization matrix on PostgreSQL. */
@RequiresPostgres
class AuthorizationMatrixOnPostgresTest extends AuthorizationMatrix {

  private final String prefix = PostgresDatabase.newPrefix();
  private HikariDataSource pool;

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
