package dev.docket.rest;

import dev.docket.jdbc.JdbcStore;
import dev.docket.jdbc.RequiresPostgres;

/** The authorization matrix on PostgreSQL. */
@RequiresPostgres
class AuthorizationMatrixOnPostgresTest extends AuthorizationMatrix {

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
