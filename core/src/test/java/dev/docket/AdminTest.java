package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queue administration and metrics through the engine's API, on a fake clock. */
class AdminTest {

  private final MutableClock clock = MutableClock.start();
  private final InMemoryStore store = new InMemoryStore();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private static final Principal ROOT = Principal.of("root", Role.ADMIN);
  private static final Principal ALICE = Principal.user("alice");

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private ManualDocket manual(Docket.Builder b) {
    ManualDocket m = ManualDocket.of(b, clock);
    toClose.add(m);
    return m;
  }

  private Docket.Builder builder() {
    return Docket.builder().store(store).workers("default", 2).workers("mail", 1).prefetch(0).handler("noop", ctx -> null);
  }

  @Test
  void aPausedQueueIsNotClaimedWhileItsRunningJobsFinish() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "slow",
                    ctx -> {
                      started.countDown();
                      release.await();
                      return "done";
                    }));
    Job running = m.jobs().submit(JobRequest.builder("slow").build());
    m.runDue();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    QueueInfo paused = m.as(ROOT).admin().pause("default");
    assertThat(paused).isEqualTo(new QueueInfo("default", true, 2));
    assertThat(m.admin().isPaused("default")).isTrue();
    Job waiting = m.jobs().submit(JobRequest.builder("noop").build());
    Job mail = m.jobs().submit(JobRequest.builder("noop").queue("mail").build());
    release.countDown();
    m.awaitIdle();
    assertThat(m.jobs().get(running.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(m.runDueAndWait()).isEqualTo(1); // only mail
    assertThat(m.jobs().get(mail.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(m.jobs().get(waiting.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(m.admin().queues()).contains(new QueueInfo("default", true, 2), new QueueInfo("mail", false, 1));
    m.as(ROOT).admin().resume("default");
    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(m.jobs().get(waiting.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThatThrownBy(() -> m.admin().pause("Not A Queue"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("queue"));
  }

  @Test
  void everyAdminOperationNeedsTheAdminRole() {
    ManualDocket m = manual(builder());
    QueueAdmin a = m.as(ALICE).admin();
    List<Runnable> ops =
        List.of(
            () -> a.pause("default"),
            () -> a.resume("default"),
            () -> a.isPaused("default"),
            a::queues,
            a::nodes,
            () -> a.purge(Duration.ZERO, Set.of()),
            () -> a.deadLetters(Optional.empty(), 10),
            a::metrics,
            () -> a.metrics(Duration.ofMinutes(1)));
    for (Runnable op : ops) {
      assertThatThrownBy(op::run).isInstanceOf(AccessDeniedException.class).hasMessageContaining("ADMIN");
    }
    assertThat(m.admin().isPaused("default")).isFalse();
  }

  @Test
  void metricsOfAKnownWorkloadHaveTheExpectedFigures() {
    ManualDocket m =
        manual(
            Docket.builder()
                .store(store)
                .workers("default", 1)
                .prefetch(1_000) // one dispatch claims all; the single worker runs them one by one
                .maxAttempts(1)
                .handler(
                    "fixed",
                    ctx -> {
                      clock.advance(Duration.ofMillis(250)); // every run takes 250 ms of engine time
                      return null;
                    })
                .handler("boom", ctx -> {
                  throw new IllegalStateException("no");
                }));
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      batch.add(JobRequest.builder("fixed").build());
    }
    m.jobs().submitAll(batch);
    assertThat(m.runDueAndWait()).isEqualTo(1_000);
    Job failed = m.jobs().submit(JobRequest.builder("boom").build());
    m.runDueAndWait();
    assertThat(m.jobs().get(failed.id()).status()).isEqualTo(JobStatus.FAILED);

    MetricsSnapshot s = m.admin().metrics(); // 5 minutes by default; the run took 250 s
    assertThat(s.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.succeededPerMinute()).isEqualTo(200.0);
    assertThat(s.failedPerMinute()).isEqualTo(0.2);
    MetricsSnapshot.FunctionMetrics fixed =
        s.byFunction().stream().filter(f -> f.function().equals("fixed")).findFirst().orElseThrow();
    assertThat(fixed.succeeded()).isEqualTo(1_000);
    assertThat(fixed.failed()).isZero();
    assertThat(fixed.runMs().count()).isEqualTo(1_000);
    assertThat(fixed.runMs().p50()).contains(250.0);
    assertThat(fixed.runMs().p99()).contains(250.0);
    // job k waited k x 250 ms behind the jobs before it: p50 ~ 124.75 s, p95 ~ 237.25 s, p99 ~ 247.25 s
    assertThat(fixed.waitMs().p50().orElseThrow()).isCloseTo(124_750.0, within(124_750.0 * 0.02));
    assertThat(fixed.waitMs().p95().orElseThrow()).isCloseTo(237_250.0, within(237_250.0 * 0.02));
    assertThat(fixed.waitMs().p99().orElseThrow()).isCloseTo(247_250.0, within(247_250.0 * 0.02));
    MetricsSnapshot.FunctionMetrics boom =
        s.byFunction().stream().filter(f -> f.function().equals("boom")).findFirst().orElseThrow();
    assertThat(boom.failed()).isEqualTo(1);
    MetricsSnapshot.QueueMetrics q = s.byQueue().get(0);
    assertThat(q.queue()).isEqualTo("default");
    assertThat(q.succeeded()).isEqualTo(1_000);
    assertThat(q.failed()).isEqualTo(1);
    assertThat(s.workers()).isEqualTo(new MetricsSnapshot.WorkerCount(0, 1));
    assertThat(s.finishedTotals())
        .contains(
            new MetricsSnapshot.FinishedTotal("default", "fixed", "succeeded", 1_000),
            new MetricsSnapshot.FinishedTotal("default", "boom", "failed", 1));

    // a one-minute window sees only the last minute's 240 jobs
    MetricsSnapshot recent = m.admin().metrics(Duration.ofMinutes(1));
    assertThat(recent.succeededPerMinute()).isBetween(230.0, 245.0);

    String text = s.toPrometheus();
    assertThat(text)
        .contains("docket_jobs{queue=\"default\",status=\"queued\"} 0")
        .contains("docket_jobs_finished_total{queue=\"default\",function=\"fixed\",outcome=\"succeeded\"} 1000")
        .containsPattern("docket_job_run_seconds\\{queue=\"default\",quantile=\"0.5\"} 0\\.2[45]\\d+") // within 2 %
        .contains("docket_job_wait_seconds{queue=\"default\",quantile=\"0.99\"}")
        .contains("docket_workers{state=\"total\"} 1");
    assertThatThrownBy(() -> m.admin().metrics(Duration.ofHours(2)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("window"));
  }

  @Test
  void anEmptyWindowHasNoPercentiles() {
    ManualDocket m = manual(builder());
    MetricsSnapshot s = m.admin().metrics(Duration.ofSeconds(30));
    assertThat(s.waitMs()).isEqualTo(Percentiles.none());
    assertThat(s.succeededPerMinute()).isZero();
    assertThat(s.toPrometheus()).contains("docket_workers{state=\"busy\"} 0");
  }

  @Test
  void purgeRemovesOnlyOldFinishedJobsOfTheStatesGiven() {
    ManualDocket m = manual(builder().handler("boom", ctx -> {
      throw new IllegalStateException("x");
    }));
    Job ok = m.jobs().submit(JobRequest.builder("noop").build());
    Job bad = m.jobs().submit(JobRequest.builder("boom").maxAttempts(1).build());
    m.runDueAndWait();
    clock.advance(Duration.ofDays(2));
    Job fresh = m.jobs().submit(JobRequest.builder("noop").build());
    m.runDueAndWait();
    assertThat(m.admin().deadLetters(Optional.empty(), 10).items()).extracting(Job::id).containsExactly(bad.id());
    assertThat(m.admin().deadLetters(Optional.empty(), 10).items().get(0).error()).isPresent();
    assertThatThrownBy(() -> m.admin().purge(Duration.ofDays(1), Set.of(JobStatus.QUEUED)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("statuses"));
    assertThat(m.admin().purge(Duration.ofDays(1), Set.of(JobStatus.FAILED))).isEqualTo(1);
    assertThat(m.jobs().find(bad.id())).isEmpty();
    assertThat(m.admin().purge(Duration.ofDays(1), Set.of())).isEqualTo(1);
    assertThat(m.jobs().find(ok.id())).isEmpty();
    assertThat(m.jobs().find(fresh.id())).isPresent();
  }

  @Test
  void aRetentionPeriodPurgesOnItsOwn() {
    ManualDocket m = manual(builder().retention(Duration.ofHours(1)));
    Job old = m.jobs().submit(JobRequest.builder("noop").build());
    m.runDueAndWait();
    assertThat(m.purgeRetained()).isZero();
    clock.advance(Duration.ofMinutes(61));
    assertThat(m.purgeRetained()).isEqualTo(1);
    assertThat(m.jobs().find(old.id())).isEmpty();
  }

  @Test
  void nodesAreListedWithTheirWorkers() {
    ManualDocket a = manual(builder().nodeId("node-a"));
    manual(Docket.builder().store(store.peer()).nodeId("node-b").workers("mail", 3).handler("noop", ctx -> null));
    assertThat(a.admin().nodes()).extracting(NodeStatus::id).containsExactly(NodeId.of("node-a"), NodeId.of("node-b"));
    assertThat(a.admin().nodes().get(0).workers()).isEqualTo(java.util.Map.of("default", 2, "mail", 1));
    assertThat(a.admin().queues()).contains(new QueueInfo("mail", false, 4));
  }
}
