package dev.docket.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;

/** H2 file databases for tests, behind a pool, with the settings {@link JdbcStore#h2(Path)} uses (the ones a user's own data source should have). */
final class H2 {
  private H2() {}

  static String url(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("docket").toAbsolutePath() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;MAX_LENGTH_INPLACE_LOB=4096";
  }

  static HikariDataSource pool(Path dir) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url(dir));
    c.setUsername("sa");
    c.setPassword("");
    c.setMaximumPoolSize(8);
    c.setPoolName("test-h2");
    return new HikariDataSource(c);
  }
}
