package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The single submit on PostgreSQL: into an idle queue it is one statement in autocommit mode (no
 * {@code COMMIT} of its own), stored claimed and started; otherwise it is stored queued and
 * claimed later. And a pool whose connections do not autocommit by default loses no write.
 */
@RequiresPostgres
class PostgresSingleSubmitTest {

  private final String prefix = PostgresDatabase.newPrefix();
  private final Opened open = new Opened();

  @AfterEach
  void tearDown() throws Exception {
    open.close();
    PostgresDatabase.dropTables(prefix);
  }

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
    Docket d =
        Docket.builder()
            .store(JdbcStore.builder(ds).tablePrefix(prefix).build())
            .workers("default", 2)
            .handler(
                "noop",
                ctx -> {
                  ran.countDown();
                  return null;
                })
            .shutdownGrace(Duration.ofSeconds(5))
            .build();
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
}
