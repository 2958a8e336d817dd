package dev.docket.jdbc;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobStatus;
import dev.docket.spi.NewJob;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On H2 the promotion's select locks nothing: a job a caller cancels in its own transaction
 * ({@code inTransaction}) while the promotion waits for that row stays cancelled once the caller
 * commits, and is neither promoted nor given a "due" history entry.
 */
class H2PromotionTest {

  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void aJobCancelledInACallersOpenTransactionIsNotPromoted(@TempDir Path dir) throws Exception {
    ExecutorService promoter = Executors.newSingleThreadExecutor();
    try (HikariDataSource ds = H2.pool(dir);
        JdbcStore store = JdbcStore.builder(ds).build()) {
      NewJob n = aJob().status(JobStatus.SCHEDULED).createdAt(T0.minusSeconds(60)).dueAt(T0).build();
      store.jobs().insert(n, "alice");
      try (Connection app = ds.getConnection()) {
        app.setAutoCommit(false);
        store.inTransaction(app, () -> store.jobs().requestCancel(n.id(), T0, "alice"));

        Future<List<Job>> promoted = promoter.submit(() -> store.jobs().promoteDue(T0.plusSeconds(1), 10));
        // the promotion saw the job SCHEDULED and now waits for the caller's row lock
        await()
            .atMost(Duration.ofSeconds(9))
            .until(
                () -> {
                  try (Connection c = ds.getConnection();
                      Statement s = c.createStatement();
                      ResultSet rs =
                          s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL")) {
                    rs.next();
                    return rs.getInt(1) > 0;
                  }
                });
        app.commit();

        assertThat(promoted.get(10, TimeUnit.SECONDS)).isEmpty();
      }
      assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(store.jobs().events(n.id())).extracting(JobEvent::to).containsExactly(JobStatus.SCHEDULED, JobStatus.CANCELLED);
    } finally {
      promoter.shutdownNow();
    }
  }
}
