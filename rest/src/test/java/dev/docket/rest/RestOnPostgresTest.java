package dev.docket.rest;

import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.RequiresPostgres;

/** The REST contract on PostgreSQL. */
@RequiresPostgres
class RestOnPostgresTest extends RestContract {

  private final PostgresFixture pg = new PostgresFixture();

  @Override
  JdbcStore store() {
    return pg.store();
  }

  @Override
  void cleanUp() {
    pg.close();
  }
}
