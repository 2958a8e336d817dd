package dev.docket.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2's writes take one lock per database file, and take it in the order they asked: a writer that
 * loops (an ack writer, the dispatcher) cannot take it again ahead of one already waiting (a batch
 * submit). What that is worth is measured in the bench (docs/performance.md, W1 on H2); that a
 * waiting writer is overtaken without it depends on thread timing, so this checks the lock's kind.
 */
class H2WriteLockTest {

  @TempDir Path dir;

  @Test
  void writesTakeTheLockInTheOrderTheyAskedForIt() {
    String url = "jdbc:h2:file:" + dir.resolve("lock").toAbsolutePath() + ";WRITE_DELAY=0";
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    assertThat(new Db(ds, new Dialect.H2(), "t_", url).writesTakeTurns()).isTrue();
  }
}
