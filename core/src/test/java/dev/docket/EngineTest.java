package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The engine driven step by step on a fake clock: no real waiting anywhere. */
class EngineTest {

  private final MutableClock clock = MutableClock.start();
  private final InMemoryStore store = new InMemoryStore();
  private final List<DocketEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Docket.Builder builder() {
    return Docket.builder()
        .store(store)
        .workers("default", 2)
        .prefetch(0)
        .backoff(Backoff.fixed(Duration.ofSeconds(10)))
        .listener(events::add)
        .cancelGrace(Duration.ofSeconds(5));
  }

  private ManualDocket manual(Docket.Builder b) {
    ManualDocket m = ManualDocket.of(b, clock);
    toClose.add(m);
    return m;
  }

  private Job get(ManualDocket m, Job j) {
    return m.jobs().get(j.id());
  }

  // ------------------------------------------------------------------ running and results

  @Test
  void handlerResultIsStoredAndLogsCarryTheJobAndCorrelationIds() {
    Map<String, String> mdc = new ConcurrentHashMap<>();
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "add",
                    ctx -> {
                      mdc.putAll(MDC.getCopyOfContextMap());
                      record Sum(int a, int b) {}
                      Sum s = ctx.args(Sum.class);
                      return Map.of("sum", s.a() + s.b(), "attempt", ctx.attempt());
                    }));
    Job j =
        m.jobs()
            .submit(JobRequest.builder("add").args("{\"a\":2,\"b\":3}").correlationId("calc-1").build());
    assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(j.owner()).isEqualTo("system");
    assertThat(m.runDueAndWait()).isEqualTo(1);
    Job done = get(m, j);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.result().orElseThrow().get("sum").asInt()).isEqualTo(5);
    assertThat(done.result().orElseThrow().get("attempt").asInt()).isEqualTo(1);
    assertThat(done.startedAt()).contains(clock.instant());
    assertThat(mdc)
        .containsEntry("docket.job", j.id().value())
        .containsEntry("docket.correlation", "calc-1")
        .containsEntry("docket.node", m.docket().nodeId().value());
    assertThat(m.jobs().events(j.id()))
        .extracting(JobEvent::to)
        .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }

  @Test
  void listenersHearEveryTransition() {
    ManualDocket m = manual(builder().handler("noop", ctx -> null));
    Job j = m.jobs().submit(JobRequest.builder("noop").build());
    m.runDueAndWait();
    await().until(() -> events.size() >= 3);
    assertThat(events)
        .filteredOn(e -> e instanceof DocketEvent.JobChanged c && c.job().id().equals(j.id()))
        .extracting(e -> ((DocketEvent.JobChanged) e).event().to())
        .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }

  @Test
  void errorTypeMessageAndStackAreStored() {
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "boom",
                    ctx -> {
                      throw new IllegalStateException("disk on fire");
                    }));
    Job j = m.jobs().submit(JobRequest.builder("boom").maxAttempts(1).build());
    m.runDueAndWait();
    Job failed = get(m, j);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    JobError e = failed.error().orElseThrow();
    assertThat(e.type()).isEqualTo("java.lang.IllegalStateException");
    assertThat(e.message()).isEqualTo("disk on fire");
    assertThat(e.stack()).contains("EngineTest");
  }

  @Test
  void higherPriorityRunsFirstThenEarlierDue() {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    ManualDocket m =
        manual(
            builder()
                .workers("default", 1)
                .handler(
                    "rec",
                    ctx -> {
                      order.add(ctx.args().get("name").asText());
                      return null;
                    }));
    m.jobs().submit(JobRequest.builder("rec").args("{\"name\":\"low\"}").priority(0).build());
    clock.advance(Duration.ofSeconds(1));
    m.jobs().submit(JobRequest.builder("rec").args("{\"name\":\"high-2\"}").priority(9).build());
    m.jobs().submit(JobRequest.builder("rec").args("{\"name\":\"high-1\"}").priority(9).runAt(clock.instant().minusSeconds(5)).build());
    m.jobs().submit(JobRequest.builder("rec").args("{\"name\":\"mid\"}").priority(4).build());
    for (int i = 0; i < 4; i++) {
      assertThat(m.runDueAndWait()).isEqualTo(1);
    }
    assertThat(order).containsExactly("high-1", "high-2", "mid", "low");
  }

  @Test
  void deferredJobWaitsForItsTime() {
    AtomicInteger runs = new AtomicInteger();
    ManualDocket m = manual(builder().handler("later", ctx -> runs.incrementAndGet()));
    Job byDelay = m.jobs().submit(JobRequest.builder("later").delay(Duration.ofMinutes(5)).build());
    Job byTime = m.jobs().submit(JobRequest.builder("later").runAt(clock.instant().plusSeconds(600)).build());
    assertThat(byDelay.status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(byDelay.scheduledAt()).isEqualTo(clock.instant().plusSeconds(300));
    assertThat(m.runDueAndWait()).isZero();
    m.advance(Duration.ofSeconds(299));
    assertThat(m.runDueAndWait()).isZero();
    m.advance(Duration.ofSeconds(1));
    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(get(m, byDelay).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(get(m, byTime).status()).isEqualTo(JobStatus.SCHEDULED);
    m.advance(Duration.ofSeconds(300));
    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(runs).hasValue(2);
  }

  // ------------------------------------------------------------------ retries

  @Test
  void failedAttemptIsRetriedAfterTheBackoffByTheClock() {
    AtomicInteger calls = new AtomicInteger();
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "flaky",
                    ctx -> {
                      if (calls.incrementAndGet() < 3) {
                        throw new java.io.IOException("try again");
                      }
                      return "ok";
                    }));
    Instant t0 = clock.instant();
    Job j = m.jobs().submit(JobRequest.builder("flaky").build());
    m.runDueAndWait();
    Job afterFirst = get(m, j);
    assertThat(afterFirst.status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(afterFirst.attempts()).isEqualTo(1);
    assertThat(afterFirst.scheduledAt()).isEqualTo(t0.plusSeconds(10));
    assertThat(afterFirst.error().orElseThrow().message()).isEqualTo("try again");

    m.advance(Duration.ofSeconds(9));
    assertThat(m.runDueAndWait()).isZero();
    m.advance(Duration.ofSeconds(1));
    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(get(m, j).attempts()).isEqualTo(2);
    m.advance(Duration.ofSeconds(10));
    m.runDueAndWait();
    Job done = get(m, j);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(done.result().orElseThrow().asText()).isEqualTo("ok");
  }

  @Test
  void exponentialBackoffDoublesUntilAttemptsRunOut() {
    ManualDocket m =
        manual(
            builder()
                .backoff(new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofHours(1), 0.0))
                .handler(
                    "fail",
                    ctx -> {
                      throw new RuntimeException("no");
                    }));
    Job j = m.jobs().submit(JobRequest.builder("fail").maxAttempts(4).build());
    List<Duration> delays = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      m.runDueAndWait();
      Job waiting = get(m, j);
      assertThat(waiting.status()).isEqualTo(JobStatus.SCHEDULED);
      Duration d = Duration.between(clock.instant(), waiting.scheduledAt());
      delays.add(d);
      clock.set(waiting.scheduledAt());
    }
    assertThat(delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    m.runDueAndWait();
    Job failed = get(m, j);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(4);
  }

  @Test
  void requestBackoffOverridesTheEngineDefault() {
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "fail",
                    ctx -> {
                      throw new RuntimeException("no");
                    }));
    Job j =
        m.jobs().submit(JobRequest.builder("fail").backoff(Backoff.fixed(Duration.ofMinutes(3))).build());
    m.runDueAndWait();
    assertThat(get(m, j).scheduledAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(3)));
  }

  @Test
  void retryPolicyHookCanFailAtOnce() {
    ManualDocket m =
        manual(
            builder()
                .retryPolicy(
                    (job, error) ->
                        error.type().equals(IllegalArgumentException.class.getName())
                            ? Optional.empty()
                            : Optional.of(Duration.ofSeconds(1)))
                .handler(
                    "bad-input",
                    ctx -> {
                      throw new IllegalArgumentException("will never work");
                    }));
    Job j = m.jobs().submit(JobRequest.builder("bad-input").maxAttempts(5).build());
    m.runDueAndWait();
    Job failed = get(m, j);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ timeouts

  @Test
  void attemptPastItsTimeoutIsInterruptedAndRetried() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "slow",
                    ctx -> {
                      try {
                        never.await();
                      } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                      }
                      return null;
                    }));
    Job j = m.jobs().submit(JobRequest.builder("slow").timeout(Duration.ofSeconds(30)).maxAttempts(2).build());
    m.runDue();
    m.advance(Duration.ofSeconds(29));
    m.checkTimeouts();
    assertThat(m.running()).isEqualTo(1);
    m.advance(Duration.ofSeconds(1));
    m.checkTimeouts();
    m.awaitIdle();
    assertThat(interrupted).hasValue(1);
    Job retrying = get(m, j);
    assertThat(retrying.status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(retrying.error().orElseThrow().type()).isEqualTo(JobError.TIMEOUT);

    m.advance(Duration.ofSeconds(10));
    m.runDue();
    m.advance(Duration.ofSeconds(30));
    m.checkTimeouts();
    m.awaitIdle();
    Job failed = get(m, j);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.error().orElseThrow().type()).isEqualTo("timeout");
  }

  @Test
  void handlerThatSwallowsTheTimeoutInterruptIsEndedAfterTheGrace() {
    CountDownLatch release = new CountDownLatch(1);
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "stubborn",
                    ctx -> {
                      while (true) {
                        try {
                          if (release.await(1, TimeUnit.DAYS)) {
                            return null;
                          }
                        } catch (InterruptedException ignored) {
                          // deliberately ignores interrupts
                        }
                      }
                    }));
    Job j = m.jobs().submit(JobRequest.builder("stubborn").timeout(Duration.ofSeconds(5)).maxAttempts(1).build());
    m.runDue();
    m.advance(Duration.ofSeconds(5));
    m.checkTimeouts();
    assertThat(get(m, j).status()).isEqualTo(JobStatus.RUNNING);
    m.advance(Duration.ofSeconds(5)); // cancel grace
    m.checkTimeouts();
    // the attempt is ended while the handler is still stuck; its outcome is stored by the acker
    await().atMost(Duration.ofSeconds(10)).until(() -> get(m, j).status() == JobStatus.FAILED);
    Job failed = get(m, j);
    assertThat(failed.error().orElseThrow().type()).isEqualTo(JobError.TIMEOUT);
    release.countDown();
    m.awaitIdle();
    assertThat(get(m, j).status()).isEqualTo(JobStatus.FAILED);
  }

  // ------------------------------------------------------------------ cancellation

  @Test
  void cancelledQueuedJobNeverRuns() {
    AtomicInteger runs = new AtomicInteger();
    ManualDocket m = manual(builder().handler("x", ctx -> runs.incrementAndGet()));
    Job j = m.jobs().submit(JobRequest.builder("x").build());
    Job c = m.jobs().cancel(j.id());
    assertThat(c.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(m.runDueAndWait()).isZero();
    assertThat(runs).hasValue(0);
    assertThatThrownBy(() -> m.jobs().cancel(j.id()))
        .isInstanceOfSatisfying(IllegalJobStateException.class, e -> assertThat(e.from()).isEqualTo(JobStatus.CANCELLED));
  }

  @Test
  void runningJobStopsCooperativelyWhenCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "loop",
                    ctx -> {
                      started.countDown();
                      while (!ctx.isCancelled()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                      }
                      ctx.checkCancelled();
                      return "unreachable";
                    }));
    Job j = m.jobs().submit(JobRequest.builder("loop").build());
    m.runDue();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Job flagged = m.jobs().cancel(j.id());
    assertThat(flagged.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(flagged.cancelRequested()).isTrue();
    m.awaitIdle();
    Job done = get(m, j);
    assertThat(done.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(done.result()).isEmpty();
    assertThat(m.jobs().events(j.id()))
        .extracting(JobEvent::detail)
        .anyMatch(d -> d.contains("cancel requested"));
  }

  @Test
  void handlerIgnoringCancelIsInterruptedAfterTheGracePeriod() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "deaf",
                    ctx -> {
                      started.countDown();
                      try {
                        new CountDownLatch(1).await(); // never looks at ctx.isCancelled()
                      } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                      }
                      return null;
                    }));
    Job j = m.jobs().submit(JobRequest.builder("deaf").build());
    m.runDue();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    m.jobs().cancel(j.id());
    m.advance(Duration.ofSeconds(4));
    m.checkTimeouts();
    assertThat(interrupted.getCount()).as("not interrupted within the grace").isEqualTo(1);
    assertThat(get(m, j).status()).isEqualTo(JobStatus.RUNNING);
    m.advance(Duration.ofSeconds(1));
    m.checkTimeouts();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    m.awaitIdle();
    assertThat(get(m, j).status()).isEqualTo(JobStatus.CANCELLED);
  }

  // ------------------------------------------------------------------ idempotency and batches

  @Test
  void sixteenThreadsSubmittingOneJobIdMakeExactlyOneJob() throws Exception {
    ManualDocket m = manual(builder().handler("pay", ctx -> null));
    int threads = 16;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    List<java.util.concurrent.Future<Job>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return m.jobs()
                      .submit(JobRequest.builder("pay").jobId("payment-7").args("{\"n\":" + n + "}").build());
                }));
      }
      List<Job> jobs = new ArrayList<>();
      for (var f : results) {
        jobs.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(jobs).extracting(Job::id).containsOnly(JobId.of("payment-7"));
      assertThat(jobs).extracting(Job::createdAt).containsOnly(jobs.get(0).createdAt());
      assertThat(jobs.stream().map(jb -> jb.args().toString()).distinct()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(m.jobs().list(JobFilter.all(), 10).items()).hasSize(1);
    assertThat(m.jobs().depth("default").queued()).isEqualTo(1);
    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(m.runDueAndWait()).isZero();
  }

  @Test
  void submitAllStoresEveryJobOrNone() {
    ManualDocket m = manual(builder().handler("x", ctx -> null));
    List<Job> jobs =
        m.jobs()
            .submitAll(
                List.of(
                    JobRequest.builder("x").build(),
                    JobRequest.builder("x").delay(Duration.ofMinutes(1)).build(),
                    JobRequest.builder("x").jobId("fixed").build()));
    assertThat(jobs).extracting(Job::status).containsExactly(JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.QUEUED);
    assertThatThrownBy(
            () ->
                m.jobs()
                    .submitAll(
                        List.of(JobRequest.builder("x").jobId("ok-1").build(), JobRequest.builder("nope").build())))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("requests[1].function"));
    assertThat(m.jobs().find(JobId.of("ok-1"))).isEmpty();
    assertThat(m.jobs().list(JobFilter.all(), 10).items()).hasSize(3);
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void badSubmitsAreRejectedNamingTheFieldAndStoreNothing() {
    ManualDocket m = manual(builder().maxArgsBytes(1_000).handler("x", ctx -> null));
    assertThatThrownBy(() -> m.jobs().submit(JobRequest.builder("unknown-fn").build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("function");
              assertThat(e.getMessage()).contains("unknown-fn").contains("[x]");
            });
    String big = "{\"blob\":\"" + "x".repeat(1_000) + "\"}";
    assertThatThrownBy(() -> m.jobs().submit(JobRequest.builder("x").args(big).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args"));
    assertThatThrownBy(() -> m.jobs().list(JobFilter.all(), 0))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("limit"));
    assertThatThrownBy(() -> m.jobs().list(JobFilter.all(), 501))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("limit"));
    assertThat(m.jobs().list(JobFilter.all(), 10).items()).isEmpty();
    assertThat(m.jobs().depth()).isEmpty();
  }

  @Test
  void defaultArgsLimitIs256KiB() {
    ManualDocket m = manual(builder().handler("x", ctx -> null));
    String justOver = "\"" + "x".repeat(256 * 1024 - 1) + "\"";
    assertThatThrownBy(() -> m.jobs().submit(JobRequest.builder("x").args(justOver).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args"));
    String justUnder = "\"" + "x".repeat(256 * 1024 - 2) + "\"";
    assertThat(m.jobs().submit(JobRequest.builder("x").args(justUnder).build()).status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void producerOnlyEngineAcceptsFunctionsItCannotRun() {
    ManualDocket producer = manual(Docket.builder().store(store.peer()).producerOnly());
    Job j = producer.jobs().submit(JobRequest.builder("runs-elsewhere").build());
    assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
    AtomicInteger ran = new AtomicInteger();
    ManualDocket worker = manual(builder().handler("runs-elsewhere", ctx -> ran.incrementAndGet()));
    worker.runDueAndWait();
    assertThat(ran).hasValue(1);
  }

  @Test
  void jobWhoseFunctionIsUnknownOnTheClaimingNodeFailsVisibly() {
    ManualDocket producer = manual(Docket.builder().store(store.peer()).producerOnly());
    Job j = producer.jobs().submit(JobRequest.builder("mystery").build());
    ManualDocket worker = manual(builder().handler("other", ctx -> null));
    worker.runDueAndWait();
    Job failed = worker.jobs().get(j.id());
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error().orElseThrow().type()).isEqualTo(JobError.UNKNOWN_FUNCTION);
  }

  // ------------------------------------------------------------------ retry, depth, correlation

  @Test
  void explicitRetryRunsAFailedJobAgainWithFreshAttempts() {
    AtomicInteger calls = new AtomicInteger();
    ManualDocket m =
        manual(
            builder()
                .handler(
                    "once-broken",
                    ctx -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new RuntimeException("first time");
                      }
                      return "fixed";
                    }));
    Job j = m.jobs().submit(JobRequest.builder("once-broken").maxAttempts(1).build());
    m.runDueAndWait();
    assertThat(get(m, j).status()).isEqualTo(JobStatus.FAILED);
    Job back = m.jobs().retry(j.id());
    assertThat(back.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(back.attempts()).isZero();
    m.runDueAndWait();
    assertThat(get(m, j).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThatThrownBy(() -> m.jobs().retry(j.id())).isInstanceOf(IllegalJobStateException.class);
  }

  @Test
  void depthAndCorrelationGroups() {
    ManualDocket m = manual(builder().handler("x", ctx -> null));
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(1));
      m.jobs().submit(JobRequest.builder("x").correlationId("order-9").build());
    }
    m.jobs().submit(JobRequest.builder("x").queue("other").delay(Duration.ofHours(1)).build());
    clock.advance(Duration.ofSeconds(7));
    QueueDepth d = m.jobs().depth("default");
    assertThat(d.queued()).isEqualTo(3);
    assertThat(d.oldestQueuedAge()).contains(Duration.ofSeconds(9));
    assertThat(m.jobs().depth("other").scheduled()).isEqualTo(1);
    assertThat(m.jobs().depth("empty")).isEqualTo(QueueDepth.empty("empty"));
    Page<Job> first = m.jobs().byCorrelation("order-9", 2);
    assertThat(first.items()).hasSize(2);
    Page<Job> second = m.jobs().byCorrelation("order-9", first.next().orElseThrow(), 2);
    assertThat(second.items()).hasSize(1);
    assertThat(second.hasNext()).isFalse();
    assertThat(m.jobs().byCorrelation("nobody", 10).items()).isEmpty();
  }

  @Test
  void nullResultIsStoredAsJsonNull() {
    ManualDocket m = manual(builder().handler("void", ctx -> null));
    Job j = m.jobs().submit(JobRequest.builder("void").args(JsonNodeFactory.instance.arrayNode().add(1)).build());
    m.runDueAndWait();
    assertThat(get(m, j).result().orElseThrow().isNull()).isTrue();
    assertThat(get(m, j).args().get(0).asInt()).isEqualTo(1);
  }

  @Test
  void ofConcurrentIdenticalSubmitsExactlyOneReportsItCreatedTheJob() throws Exception {
    ManualDocket m = manual(builder().handler("noop", ctx -> null));
    JobRequest r = JobRequest.builder("noop").jobId("order-77").build();
    int threads = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Submission>> all = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        all.add(pool.submit(() -> {
          start.await();
          return m.as(Principal.user("alice")).jobs().submitIfAbsent(r);
        }));
      }
      int created = 0;
      for (java.util.concurrent.Future<Submission> f : all) {
        Submission s = f.get(30, TimeUnit.SECONDS);
        assertThat(s.job().id().value()).isEqualTo("order-77");
        created += s.created() ? 1 : 0;
      }
      assertThat(created).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThatThrownBy(() -> m.as(Principal.user("bob")).jobs().submitIfAbsent(r))
        .isInstanceOf(JobIdConflictException.class);
    assertThatThrownBy(() -> m.as(Principal.of("root", Role.ADMIN)).jobs().submitIfAbsent(r))
        .isInstanceOf(JobIdConflictException.class);
  }
}
