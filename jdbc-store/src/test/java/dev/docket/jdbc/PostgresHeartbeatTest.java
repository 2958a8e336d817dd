package dev.docket.jdbc;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.JobId;
import dev.docket.NodeId;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.LeaseCheck;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat on PostgreSQL: one statement extends this node's leases and reports what still
 * runs here. A row that an outcome write holds (an ack about to commit) is never waited for.
 */
@RequiresPostgres
class PostgresHeartbeatTest {

  private static final NodeId NODE = NodeId.of("n1");

  private final String p = PostgresDatabase.newPrefix();
  private HikariDataSource ds;
  private JdbcStore store;

  @BeforeEach
  void open() {
    ds = PostgresDatabase.pool(3);
    store = JdbcStore.builder(ds).tablePrefix(p).build();
  }

  @AfterEach
  void close() {
    store.close();
    ds.close();
    PostgresDatabase.dropTables(p);
  }

  @Test
  void aRowHeldByAnotherWriteIsNotWaitedForAndStillCountsAsHeld() throws Exception {
    List<JobId> all =
        store.jobs().insertAll(List.of(aJob().build(), aJob().build(), aJob().build()), "test").stream()
            .map(r -> r.job().id())
            .toList();
    List<ClaimedJob> claimed =
        store.jobs().claim(new ClaimRequest(NODE, "default", 2, Instant.now(), Duration.ofSeconds(30)));
    assertThat(claimed).hasSize(2);
    JobId busy = claimed.get(0).job().id();
    JobId free = claimed.get(1).job().id();
    JobId queued = all.stream().filter(id -> !id.equals(busy) && !id.equals(free)).findFirst().orElseThrow();

    try (Connection other = ds.getConnection();
        Statement s = other.createStatement()) {
      other.setAutoCommit(false);
      s.execute("SELECT id FROM " + p + "jobs WHERE id = '" + busy.value() + "' FOR UPDATE");
      LeaseCheck check =
          CompletableFuture.supplyAsync(
                  () -> store.jobs().extendLeases(NODE, Set.of(busy, free, queued), Instant.now(), Duration.ofMinutes(5)))
              .get(10, TimeUnit.SECONDS); // waiting for the lock would end only with the rollback below
      other.rollback();
      assertThat(check.held()).containsExactlyInAnyOrder(busy, free);
      assertThat(check.cancelRequested()).isEmpty();
    }
    assertThat(secondsLeft(free)).as("extended").isGreaterThan(240);
    assertThat(secondsLeft(busy)).as("skipped, not extended").isLessThan(60);
  }

  @Test
  void aCancelRequestIsReportedWithTheExtension() {
    store.jobs().insertAll(List.of(aJob().build()), "test");
    ClaimedJob c =
        store.jobs().claim(new ClaimRequest(NODE, "default", 1, Instant.now(), Duration.ofSeconds(30))).get(0);
    store.jobs().requestCancel(c.job().id(), Instant.now(), "alice");
    LeaseCheck check = store.jobs().extendLeases(NODE, Set.of(c.job().id()), Instant.now(), Duration.ofMinutes(5));
    assertThat(check.held()).containsExactly(c.job().id());
    assertThat(check.cancelRequested()).containsExactly(c.job().id());
    LeaseCheck otherNode =
        store.jobs().extendLeases(NodeId.of("n2"), Set.of(c.job().id()), Instant.now(), Duration.ofMinutes(5));
    assertThat(otherNode.held()).isEmpty();
  }

  private long secondsLeft(JobId id) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT EXTRACT(EPOCH FROM lease_expires_at - now()) FROM " + p + "jobs WHERE id = '" + id.value() + "'")) {
      assertThat(rs.next()).isTrue();
      return (long) rs.getDouble(1);
    }
  }
}
