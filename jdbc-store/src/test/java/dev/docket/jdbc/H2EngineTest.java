package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on the embedded H2 default. */
class H2EngineTest {

  @TempDir Path dir;

  @Test
  void zeroSetUpDefaultRunsJobsAndKeepsThemAcrossRestarts() {
    AtomicInteger runs = new AtomicInteger();
    Job j;
    try (Docket d = Docket.builder().store(JdbcStore.h2(dir)).handler("x", ctx -> runs.incrementAndGet()).build().start()) {
      j = d.jobs().submit(JobRequest.builder("x").correlationId("c-1").build());
      await().until(() -> d.jobs().get(j.id()).status() == JobStatus.SUCCEEDED);
    }
    try (Docket again = Docket.builder().store(JdbcStore.h2(dir)).handler("x", ctx -> null).build()) {
      Job back = again.jobs().get(j.id());
      assertThat(back.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(back.result().orElseThrow().asInt()).isEqualTo(1);
      assertThat(again.jobs().events(j.id())).hasSize(3);
    }
  }

  @Test
  void jobsInterruptedByACloseMidRunAreRecoveredByTheNextEngine() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    Docket first =
        Docket.builder()
            .store(JdbcStore.h2(dir))
            .workers("default", 2)
            .prefetch(0)
            .shutdownGrace(Duration.ofMillis(200))
            .handler(
                "work",
                ctx -> {
                  started.countDown();
                  new CountDownLatch(1).await();
                  return null;
                })
            .build()
            .start();
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(JobRequest.builder("work").build());
    }
    first.jobs().submitAll(batch);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    first.close();

    AtomicInteger runs = new AtomicInteger();
    try (Docket second =
        Docket.builder().store(JdbcStore.h2(dir)).handler("work", ctx -> runs.incrementAndGet()).build().start()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> second.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 50).items().size() == 10);
      assertThat(runs).hasValue(10);
    }
  }

  @Test
  void closingTheEngineClosesAStoreButNeverTheCallersDataSource() throws Exception {
    try (HikariDataSource ds = H2.pool(dir)) {
      Docket d = Docket.builder().store(JdbcStore.create(ds)).handler("x", ctx -> null).build().start();
      d.close();
      assertThat(ds.isClosed()).isFalse();
      try (Connection c = ds.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
      }
    }
  }

  @Test
  void insideTheCallersTransactionTheStoreClaimsNothing() throws Exception {
    try (HikariDataSource ds = H2.pool(dir)) {
      JdbcStore store = JdbcStore.create(ds);
      try (Connection app = ds.getConnection()) {
        app.setAutoCommit(false);
        dev.docket.spi.JobStore.InsertedAndClaimed r =
            store.inTransaction(
                app,
                () ->
                    store.jobs().insertAllAndClaim(
                        List.of(dev.docket.testkit.Jobs.aJob().build()),
                        "alice",
                        new dev.docket.spi.ClaimRequest(
                            dev.docket.NodeId.of("n1"), "default", 4, java.time.Instant.now(), Duration.ofSeconds(30))));
        // the caller's commit, not ours, makes the job visible: it must not start before that
        assertThat(r.claimed()).isEmpty();
        assertThat(r.inserted()).hasSize(1);
        app.commit();
        assertThat(store.jobs().find(r.inserted().get(0).job().id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
      } finally {
        store.close();
      }
    }
  }

  @Test
  void transactionalSubmitOnH2ExistsOnlyIfTheCallerCommits() throws Exception {
    try (HikariDataSource ds = H2.pool(dir)) {
      JdbcStore store = JdbcStore.create(ds);
      AtomicInteger runs = new AtomicInteger();
      try (Docket d =
          Docket.builder()
              .store(store)
              .pollInterval(Duration.ofMillis(100))
              .handler("x", ctx -> runs.incrementAndGet())
              .build()
              .start();
          Connection app = ds.getConnection()) {
        app.setAutoCommit(false);
        store.inTransaction(app, () -> d.jobs().submit(JobRequest.builder("x").jobId("rolled-back").build()));
        app.rollback();
        assertThat(d.jobs().find(JobId.of("rolled-back"))).isEmpty();

        store.inTransaction(app, () -> d.jobs().submit(JobRequest.builder("x").jobId("committed").build()));
        app.commit();
        await().until(() -> d.jobs().get(JobId.of("committed")).status() == JobStatus.SUCCEEDED);
        assertThat(runs).hasValue(1);
      }
    }
  }

  @Test
  void onH2AQueueBuffersSixteenShortJobsPerWorkerByDefault() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    JdbcStore store = JdbcStore.h2(dir);
    assertThat(store.prefetchPerWorker()).isEqualTo(16);
    assertThat(store.ackWriters()).as("writes run one at a time").isEqualTo(1);
    try (Docket d =
        Docket.builder()
            .store(store)
            .workers("default", 2)
            .handler(
                "block",
                ctx -> {
                  release.await();
                  return null;
                })
            .handler("noop", ctx -> null)
            .build()
            .start()) {
      // short jobs first: the buffer grows to the store's hint once the handlers' moving mean run
      // time (each run weighs 1/8) is under 2 workers x 50 ms / 32 jobs; 40 of them, so that a
      // slow first run in a cold JVM (class loading, the interpreter) weighs (7/8)^40, under 1 %
      List<JobRequest> shortJobs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        shortJobs.add(JobRequest.builder("noop").build());
      }
      List<JobId> quick = d.jobs().submitAll(shortJobs).stream().map(Job::id).toList();
      await().until(() -> quick.stream().allMatch(id -> d.jobs().get(id).status() == JobStatus.SUCCEEDED));
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(JobRequest.builder("block").build());
      }
      d.jobs().submitAll(batch);
      // 2 running + 32 buffered; the former default (4 per worker) would stop at 10
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> d.jobs().list(JobFilter.all().status(JobStatus.RUNNING), 100).items().size() == 2 + 2 * 16);
      assertThat(d.jobs().list(JobFilter.all().status(JobStatus.QUEUED), 100).items()).hasSize(100 - 34);
      release.countDown();
    }
  }

  @Test
  void theDefaultReadsBackTextKeptInTheRowAndInTheLobStorage() throws Exception {
    // the setting itself: H2AdviceTest (the zero-set-up default needs no advice)
    try (Docket d =
        Docket.builder()
            .store(JdbcStore.h2(dir))
            .workers("default", 2)
            .handler("echo", ctx -> ctx.args())
            .build()
            .start()) {
      // JSON of exactly 4,096 bytes (in the row), one byte more, and 200,000 (both in the LOB storage)
      List<ObjectNode> args = List.of(padded(4_096), padded(4_097), padded(200_000));
      List<Job> jobs = d.jobs().submitAll(args.stream().map(a -> JobRequest.builder("echo").args(a).build()).toList());
      for (int i = 0; i < jobs.size(); i++) {
        JobId id = jobs.get(i).id();
        await().until(() -> d.jobs().get(id).status() == JobStatus.SUCCEEDED);
        Job back = d.jobs().get(id);
        assertThat(back.args()).isEqualTo(args.get(i));
        assertThat(back.result().orElseThrow()).isEqualTo(args.get(i));
      }
    }
  }

  /** {@code {"p":"xxx…"}} of exactly {@code bytes} bytes of JSON. */
  private static ObjectNode padded(int bytes) {
    ObjectNode n = JsonNodeFactory.instance.objectNode().put("p", "x".repeat(bytes - "{\"p\":\"\"}".length()));
    assertThat(n.toString()).hasSize(bytes);
    return n;
  }
}
