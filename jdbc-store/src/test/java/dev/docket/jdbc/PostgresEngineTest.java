package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobHandler;
import dev.docket.JobId;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.spi.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Several engines on one real PostgreSQL database. */
@RequiresPostgres
@Tag("multinode")
class PostgresEngineTest {

  @RegisterExtension final Opened open = new Opened();
  private final String prefix = open.newTablePrefix();

  private HikariDataSource pool() {
    HikariDataSource p = PostgresDatabase.pool(10);
    open.add(p);
    return p;
  }

  private JdbcStore store(javax.sql.DataSource ds) {
    return JdbcStore.builder(ds).tablePrefix(prefix).build();
  }

  private Docket started(Docket.Builder b) {
    Docket d = b.build();
    open.add(d);
    return d.start();
  }

  private static Docket.Builder node(JdbcStore store, String id) {
    return Docket.builder().store(store).nodeId(id).shutdownGrace(Duration.ofSeconds(5));
  }

  private void awaitListening(int listeners) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (Connection c = DriverManager.getConnection(PostgresDatabase.URL);
                  Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN " + prefix + "signals'")) {
                rs.next();
                return rs.getInt(1) >= listeners;
              }
            });
  }

  @Test
  void onPostgresTheStoreHintsSixtyFourJobsPerWorker() {
    // the engine's adaptive buffer holds that many only for short jobs (PrefetchDefaultTest)
    assertThat(store(pool()).prefetchPerWorker()).isEqualTo(64);
  }

  @Test
  void onPostgresTheStoreHintsThreeAckWritersAtMostAThirdOfItsPool() throws Exception {
    // commits wait mostly on the WAL flush: more writers while outcomes queue up (AckWritersTest)
    assertThat(store(pool()).ackWriters()).as("pool of 10").isEqualTo(3);
    try (HikariDataSource small = PostgresDatabase.pool(4)) {
      assertThat(store(small).ackWriters()).as("pool of 4").isEqualTo(1);
    }
    try (HikariDataSource six = PostgresDatabase.pool(6)) {
      assertThat(store(six).ackWriters()).as("pool of 6").isEqualTo(2);
    }
  }

  @Test
  void notifyWakesAnIdleNodeLongBeforeItsNextPoll() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    started(
        node(store(pool()), "worker")
            .pollInterval(Duration.ofMinutes(5))
            .handler("ping", ctx -> {
              ran.countDown();
              return null;
            }));
    Docket producer = started(node(store(pool()), "producer").producerOnly());
    awaitListening(1); // the worker only: a producer-only node does not listen
    producer.jobs().submit(JobRequest.builder("ping").build());
    assertThat(ran.await(10, TimeUnit.SECONDS)).as("woken by NOTIFY, not by the 5-minute poll").isTrue();
  }

  @Test
  void cancelOnOneNodeReachesAHandlerOnAnotherBeforeItsNextHeartbeat() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    started(
        node(store(pool()), "worker")
            .leaseDuration(Duration.ofMinutes(2))
            .heartbeatInterval(Duration.ofMinutes(1))
            .handler("loop", ctx -> {
              started.countDown();
              while (!ctx.isCancelled()) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
              }
              stopped.countDown();
              return null;
            }));
    Docket other = started(node(store(pool()), "other").producerOnly());
    awaitListening(1); // the worker only: a producer-only node does not listen
    Job j = other.jobs().submit(JobRequest.builder("loop").build());
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    other.jobs().cancel(j.id());
    assertThat(stopped.await(10, TimeUnit.SECONDS)).as("cancel arrived by NOTIFY").isTrue();
    await().until(() -> other.jobs().get(j.id()).status() == JobStatus.CANCELLED);
  }

  @Test
  void transactionalSubmitExistsAndWakesOnlyIfTheCallerCommits() throws Exception {
    HikariDataSource ds = pool();
    JdbcStore store = store(ds);
    Docket producer = started(node(store, "producer").producerOnly());
    try (Connection listen = DriverManager.getConnection(PostgresDatabase.URL);
        Connection app = ds.getConnection()) {
      try (Statement s = listen.createStatement()) {
        s.execute("LISTEN " + prefix + "signals");
      }
      PGConnection pg = listen.unwrap(PGConnection.class);
      app.setAutoCommit(false);

      Job rolledBack =
          store.inTransaction(app, () -> producer.jobs().submit(JobRequest.builder("x").jobId("tx-rollback").build()));
      assertThat(rolledBack.status()).isEqualTo(JobStatus.QUEUED);
      app.rollback();
      assertThat(producer.jobs().find(JobId.of("tx-rollback"))).isEmpty();
      assertThat(pg.getNotifications(500)).as("no wake-up for a rolled-back submit").isNullOrEmpty();

      store.inTransaction(app, () -> producer.jobs().submit(JobRequest.builder("x").jobId("tx-commit").build()));
      assertThat(producer.jobs().find(JobId.of("tx-commit"))).as("invisible before commit").isEmpty();
      app.commit();
      assertThat(producer.jobs().find(JobId.of("tx-commit"))).isPresent();
      PGNotification[] notes = pg.getNotifications(5_000);
      assertThat(notes).isNotNull().extracting(PGNotification::getParameter).contains("work:default");
    }
  }

  @Test
  void skewedEngineClocksNeitherRunAJobTwiceNorTakeOverEarly() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    JobHandler h =
        ctx -> {
          runs.computeIfAbsent(ctx.jobId().value(), k -> new AtomicInteger()).incrementAndGet();
          new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS); // a little work
          return null;
        };
    Docket behind =
        started(
            node(store(pool()), "behind")
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-3)))
                .leaseDuration(Duration.ofSeconds(2))
                .heartbeatInterval(Duration.ofMillis(500))
                .workers("default", 4)
                .handler("work", h));
    Docket ahead =
        started(
            node(store(pool()), "ahead")
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(3)))
                .leaseDuration(Duration.ofSeconds(2))
                .heartbeatInterval(Duration.ofMillis(500))
                .workers("default", 4)
                .handler("work", h));
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      batch.add(JobRequest.builder("work").build());
    }
    behind.jobs().submitAll(batch);
    ahead.jobs().submitAll(batch);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ahead.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 500).items().size() == 300);
    assertThat(runs).hasSize(300);
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
    assertThat(countEvents("lease")).as("no lease was taken over").isZero();
  }

  @Test
  void withEngineClockLeasesASkewedReaperTakesOverEarly() {
    // the control for the test above: measured on the engines' clocks, skew breaks leases
    HikariDataSource ds = pool();
    JdbcStore slow = JdbcStore.builder(ds).tablePrefix(prefix).leaseClock(LeaseClock.ENGINE).build();
    JdbcStore fast = JdbcStore.builder(ds).tablePrefix(prefix).leaseClock(LeaseClock.ENGINE).build();
    open.add(slow);
    open.add(fast);
    var now = java.time.Instant.now(Clock.systemUTC());
    slow.jobs().insert(dev.docket.testkit.Jobs.aJob().createdAt(now.minusSeconds(600)).build(), "alice");
    slow.jobs().claim(new dev.docket.spi.ClaimRequest(dev.docket.NodeId.of("slow"), "default", 1, now, Duration.ofSeconds(30)));
    assertThat(fast.jobs().reclaimExpired(now.plus(Duration.ofMinutes(3)), 10)).hasSize(1);
  }

  private int countEvents(String detailLike) {
    try (Connection c = DriverManager.getConnection(PostgresDatabase.URL);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM " + prefix + "job_events WHERE detail LIKE '%" + detailLike + "%'")) {
      rs.next();
      return rs.getInt(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void databaseOutageIsSurvivedAndSubmitsDuringItFailCleanly() throws Exception {
    TcpProxy proxy = new TcpProxy(5432);
    open.add(proxy);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(PostgresDatabase.URL.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port()));
    cfg.setMaximumPoolSize(6);
    cfg.setConnectionTimeout(1_000);
    cfg.setValidationTimeout(500);
    HikariDataSource ds = new HikariDataSource(cfg);
    open.add(ds);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger done = new AtomicInteger();
    Docket d =
        started(
            node(store(ds), "flaky-net")
                .pollInterval(Duration.ofMillis(200))
                .workers("default", 4)
                .handler("work", ctx -> {
                  gate.await(30, TimeUnit.SECONDS);
                  done.incrementAndGet();
                  return null;
                }));
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(JobRequest.builder("work").build());
    }
    d.jobs().submitAll(batch);
    await().until(() -> d.jobs().depth("default").running() >= 4);

    proxy.cut();
    assertThatThrownBy(() -> d.jobs().submit(JobRequest.builder("work").jobId("during-outage").build()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("database");
    gate.countDown(); // running handlers finish while the database is away
    proxy.restore();

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(StoreException.class) // the test's own reads may hit a dead pooled connection once
        .until(() -> d.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 500).items().size() == 100);
    assertThat(d.jobs().find(JobId.of("during-outage"))).isEmpty();
    assertThat(d.jobs().list(JobFilter.all(), 500).items()).hasSize(100);
  }

  @Test
  @Tag("slow")
  void threeEnginesRunTwentyThousandJobsEachExactlyOnce() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    JobHandler h =
        ctx -> {
          runs.computeIfAbsent(ctx.jobId().value(), k -> new AtomicInteger()).incrementAndGet();
          total.incrementAndGet();
          return null;
        };
    List<Docket> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(started(node(store(pool()), "n" + i).workers("default", 8).handler("noop", h)));
    }
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      batch.add(JobRequest.builder("noop").build());
      if (batch.size() == 2_000) {
        nodes.get(i % 3).jobs().submitAll(batch);
        batch = new ArrayList<>();
      }
    }
    await().atMost(Duration.ofMinutes(3)).until(() -> total.get() >= 20_000 && nodes.get(0).jobs().depth().isEmpty());
    assertThat(runs).hasSize(20_000);
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
    try (Connection c = DriverManager.getConnection(PostgresDatabase.URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status, count(*) FROM " + prefix + "jobs GROUP BY status")) {
      Map<String, Integer> byStatus = new java.util.HashMap<>();
      while (rs.next()) {
        byStatus.put(rs.getString(1), rs.getInt(2));
      }
      assertThat(byStatus).isEqualTo(Map.of("SUCCEEDED", 20_000));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
