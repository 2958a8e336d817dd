package dev.docket.rest;

import dev.docket.jdbc.JdbcStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The authorization matrix on the embedded H2 default. */
class AuthorizationMatrixOnH2Test extends AuthorizationMatrix {

  @TempDir static Path dir;

  @Override
  JdbcStore store() {
    return JdbcStore.h2(dir);
  }
}
