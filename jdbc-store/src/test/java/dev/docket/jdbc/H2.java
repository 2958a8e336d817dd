package dev.docket.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;

/** H2 file databases for tests, behind a pool (as {@link JdbcStore#h2(Path)} has). */
final class H2 {
  private H2() {}

  static String url(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("docket").toAbsolutePath() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";
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
