package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A store on a user's own H2 data source says which of its settings cost durability or speed. */
class H2AdviceTest {

  @TempDir Path dir;

  @Test
  void theZeroSetUpDefaultNeedsNoAdvice() throws Exception {
    try (JdbcStore store = JdbcStore.h2(dir);
        Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("docket").toAbsolutePath(), "sa", "")) {
      assertThat(JdbcStore.h2Advice(c, c.getMetaData().getURL())).isEmpty();
    }
  }

  @Test
  void h2sDefaultsAreNamedWithTheSettingToAdd() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("plain").toAbsolutePath(), "sa", "")) {
      List<JdbcStore.H2Advice> advice = JdbcStore.h2Advice(c, c.getMetaData().getURL());
      assertThat(advice).hasSize(2);
      assertThat(advice.get(0).durability()).isTrue();
      assertThat(advice.get(0).text()).contains("WRITE_DELAY is 500 ms").contains(";WRITE_DELAY=0");
      assertThat(advice.get(1).durability()).isFalse();
      assertThat(advice.get(1).text()).contains("MAX_LENGTH_INPLACE_LOB is 256").contains(";MAX_LENGTH_INPLACE_LOB=4096");
    }
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:advice;DB_CLOSE_DELAY=-1", "sa", "")) {
      assertThat(JdbcStore.h2Advice(c, c.getMetaData().getURL())).as("nothing to lose in memory").isEmpty();
    }
  }

  @Test
  void aStoreOnADataSourceThatCanLoseJobsWarnsAtStart() {
    Logger logger = (Logger) LoggerFactory.getLogger(JdbcStore.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("own").toAbsolutePath());
    config.setUsername("sa");
    config.setPassword("");
    try (HikariDataSource ds = new HikariDataSource(config);
        JdbcStore store = JdbcStore.builder(ds).build()) {
      assertThat(events.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .extracting(ILoggingEvent::getFormattedMessage)
          .singleElement()
          .asString()
          .contains("WRITE_DELAY is 500 ms");
    } finally {
      logger.detachAppender(events);
    }
  }
}
