package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.JobEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The single submit on PostgreSQL: into an idle queue it is one statement in autocommit mode (no
 * {@code COMMIT} of its own), stored claimed and started; otherwise it is stored queued and
 * claimed later. On a producer-only node it is one statement too, which also sends the NOTIFY. And
 * a pool whose connections do not autocommit by default loses no write.
 */
@RequiresPostgres
class PostgresSingleSubmitTest {

  @RegisterExtension final Opened open = new Opened();
  private final String prefix = open.newTablePrefix();

  /** Counts, per thread, the commit() calls on the connections it hands out. */
  private static final class CommitCounting {
    final Map<Thread, AtomicInteger> commits = new ConcurrentHashMap<>();
    final DataSource dataSource;

    CommitCounting(DataSource target) {
      dataSource =
          (DataSource)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, m, args) -> {
                    Object r = invoke(target, m, args);
                    return r instanceof Connection c ? counting(c) : r;
                  });
    }

    private Connection counting(Connection c) {
      return (Connection)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, m, args) -> {
                if (m.getName().equals("commit")) {
                  commits.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
                }
                return invoke(c, m, args);
              });
    }

    int byThreadsNamed(String name) {
      return commits.entrySet().stream()
          .filter(e -> e.getKey().getName().startsWith(name))
          .mapToInt(e -> e.getValue().get())
          .sum();
    }

    int by(Thread t) {
      AtomicInteger n = commits.get(t);
      return n == null ? 0 : n.get();
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  private HikariDataSource pool(boolean autoCommit) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(PostgresDatabase.URL);
    c.setMaximumPoolSize(6);
    c.setAutoCommit(autoCommit);
    c.setPoolName("single-submit");
    HikariDataSource p = new HikariDataSource(c);
    open.add(p);
    return p;
  }

  private Docket engine(DataSource ds, CountDownLatch ran) {
    return started(worker(ds, ran));
  }

  /** An engine with two workers whose "noop" counts {@code ran} down; not built. */
  private Docket.Builder worker(DataSource ds, CountDownLatch ran) {
    return Docket.builder()
        .store(JdbcStore.builder(ds).tablePrefix(prefix).build())
        .workers("default", 2)
        .handler(
            "noop",
            ctx -> {
              ran.countDown();
              return null;
            })
        .shutdownGrace(Duration.ofSeconds(5));
  }

  private Docket started(Docket.Builder b) {
    Docket d = b.build();
    open.add(d);
    return d.start();
  }

  private static JobRequest noop() {
    return JobRequest.builder("noop").build();
  }

  @Test
  void aSubmitIntoAnIdleQueueIsStoredClaimedWithoutACommitOfItsOwn() throws Exception {
    CommitCounting counting = new CommitCounting(pool(true));
    CountDownLatch ran = new CountDownLatch(1);
    Docket d = engine(counting.dataSource, ran);

    int before = counting.by(Thread.currentThread());
    Job submitted = d.jobs().submit(noop());

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    // a transaction's commit() would count here: the statement committed on its own
    assertThat(counting.by(Thread.currentThread())).isEqualTo(before);
    await().atMost(Duration.ofSeconds(10)).until(() -> d.jobs().get(submitted.id()).status() == JobStatus.SUCCEEDED);
    assertThat(d.jobs().get(submitted.id()).attempts()).isEqualTo(1);
  }

  @Test
  void aSubmitIntoAPausedQueueIsStoredQueuedAndRunsOnceTheQueueResumes() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Docket d = engine(pool(true), ran);
    d.admin().pause("default");

    Job submitted = d.jobs().submit(noop());

    assertThat(submitted.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(d.jobs().get(submitted.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(ran.getCount()).isEqualTo(1);
    d.admin().resume("default");
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> d.jobs().get(submitted.id()).status() == JobStatus.SUCCEEDED);
  }

  @Test
  void onAPoolWhoseConnectionsDoNotAutocommitTheSubmitIsCommitted() throws Exception {
    // before the fix, Jdbi took each write on such a connection for part of an outer transaction
    // and never committed it: the job ran, and was gone
    CountDownLatch ran = new CountDownLatch(1);
    Docket d = engine(pool(false), ran);

    Job submitted = d.jobs().submit(noop());

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    // seen from a connection of its own: committed
    try (Connection c = java.sql.DriverManager.getConnection(PostgresDatabase.URL);
        java.sql.PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + prefix + "jobs WHERE id = ?")) {
      s.setString(1, submitted.id().value());
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> d.jobs().get(submitted.id()).status() == JobStatus.SUCCEEDED);
  }

  private Docket producer(DataSource ds) {
    return started(Docket.builder().store(JdbcStore.builder(ds).tablePrefix(prefix).build()).producerOnly());
  }

  /** A connection that listens to the store's channel. */
  private PGConnection listening() throws Exception {
    Connection c = java.sql.DriverManager.getConnection(PostgresDatabase.URL);
    open.add(c);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + prefix + "signals");
    }
    return c.unwrap(PGConnection.class);
  }

  /** The notices that arrive until {@code last} does (NOTIFY keeps the commit order). */
  private static List<String> noticesUntil(PGConnection pg, String last) throws Exception {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!seen.contains(last) && System.nanoTime() < deadline) {
      PGNotification[] notes = pg.getNotifications(1_000);
      if (notes != null) {
        for (PGNotification n : notes) {
          seen.add(n.getParameter());
        }
      }
    }
    assertThat(seen).as("notices").contains(last);
    return seen;
  }

  private static int rows(String sql, String id) throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(PostgresDatabase.URL);
        java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void aProducerOnlySubmitCommitsAndNotifiesWithoutACommitOfItsOwn() throws Exception {
    CommitCounting counting = new CommitCounting(pool(true));
    Docket p = producer(counting.dataSource);
    PGConnection pg = listening();

    int before = counting.by(Thread.currentThread());
    Job submitted = p.jobs().submit(noop());

    assertThat(submitted.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(counting.by(Thread.currentThread())).as("commit() calls").isEqualTo(before);
    assertThat(noticesUntil(pg, "work:default")).containsExactly("work:default");
    assertThat(rows("SELECT count(*) FROM " + prefix + "jobs WHERE id = ? AND status = 'QUEUED'", submitted.id().value()))
        .as("committed, seen from another connection")
        .isEqualTo(1);
    assertThat(p.jobs().events(submitted.id()))
        .extracting(JobEvent::to)
        .containsExactly(JobStatus.QUEUED);
  }

  @Test
  void aProducerOnlyDelayedSubmitStoresItsHistoryAndWakesNobody() throws Exception {
    Docket p = producer(pool(true));
    PGConnection pg = listening();

    Job later = p.jobs().submit(JobRequest.builder("noop").queue("later").delay(Duration.ofHours(1)).build());
    p.jobs().submit(JobRequest.builder("noop").queue("now").build());

    assertThat(later.status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(p.jobs().get(later.id()).status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(p.jobs().events(later.id())).extracting(JobEvent::to).containsExactly(JobStatus.SCHEDULED);
    // the ready job's notice came after the delayed job's commit, and only it came
    assertThat(noticesUntil(pg, "work:now")).containsExactly("work:now");
  }

  @Test
  void aProducerOnlySubmitOfAnIdInUseReturnsTheStoredJobAndWakesNobodyAgain() throws Exception {
    Docket p = producer(pool(true));
    PGConnection pg = listening();

    Job first = p.jobs().submit(JobRequest.builder("noop").jobId("once").args("{\"n\":1}").build());
    Job again = p.jobs().submit(JobRequest.builder("noop").jobId("once").args("{\"n\":2}").build());
    p.jobs().submit(JobRequest.builder("noop").queue("after").build());

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.args().get("n").asInt()).as("the stored job's args").isEqualTo(1);
    assertThat(rows("SELECT count(*) FROM " + prefix + "jobs WHERE id = ?", "once")).isEqualTo(1);
    assertThat(noticesUntil(pg, "work:after")).containsExactly("work:default", "work:after");
  }

  @Test
  void theDispatchersClaimCommitsWithoutACommitOfItsOwn() throws Exception {
    CommitCounting counting = new CommitCounting(pool(true));
    CountDownLatch ran = new CountDownLatch(1);
    // one promotion (a transaction) at the start, none after
    Docket worker = started(worker(counting.dataSource, ran).pollInterval(Duration.ofMinutes(5)));
    await().atMost(Duration.ofSeconds(10)).until(() -> counting.byThreadsNamed("docket-dispatcher") >= 1);
    int before = counting.byThreadsNamed("docket-dispatcher");

    Job submitted = producer(pool(true)).jobs().submit(noop()); // another node's: the dispatcher claims it

    assertThat(ran.await(10, TimeUnit.SECONDS)).as("woken by NOTIFY and claimed").isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.jobs().get(submitted.id()).status() == JobStatus.SUCCEEDED);
    assertThat(worker.jobs().get(submitted.id()).attempts()).isEqualTo(1);
    assertThat(counting.byThreadsNamed("docket-dispatcher")).as("commit() calls of the dispatcher").isEqualTo(before);
  }

  @Test
  void successesAreAckedWithoutACommitOfTheirOwn() throws Exception {
    CommitCounting counting = new CommitCounting(pool(true));
    CountDownLatch ran = new CountDownLatch(41);
    Docket d = engine(counting.dataSource, ran);

    Job one = d.jobs().submit(noop()); // acked alone
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      batch.add(noop());
    }
    List<Job> many = d.jobs().submitAll(batch); // acked in groups

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> d.jobs().get(one.id()).status() == JobStatus.SUCCEEDED
            && many.stream().allMatch(j -> d.jobs().get(j.id()).status() == JobStatus.SUCCEEDED));
    // "docket-acker" and its helpers "docket-acker-2", …
    assertThat(counting.byThreadsNamed("docket-acker")).as("commit() calls of the ack writers").isZero();
    assertThat(d.jobs().events(one.id())).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }
}
