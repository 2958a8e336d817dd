package dev.docket.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.docket.ApprovalRequest;
import dev.docket.ApprovalSpec;
import dev.docket.Backoff;
import dev.docket.Docket;
import dev.docket.DocketEvent;
import dev.docket.Job;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DocketMeters on real engines over the in-memory store, read back from a SimpleMeterRegistry. */
class DocketMetersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MutableClock clock = MutableClock.start();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    registry.close();
  }

  private ManualDocket manual(Docket.Builder b) {
    ManualDocket m = ManualDocket.of(b, clock);
    toClose.add(m);
    return m;
  }

  private static Docket.Builder builder(DocketMeters meters) {
    return Docket.builder().store(new InMemoryStore()).prefetch(0).listener(meters);
  }

  private double finished(String queue, String function, String outcome) {
    Counter c =
        registry
            .find(DocketMeters.JOBS_FINISHED)
            .tags("queue", queue, "function", function, "outcome", outcome)
            .counter();
    return c == null ? 0 : c.count();
  }

  private Timer timer(String name, String queue, String function) {
    Timer t = registry.find(name).tags("queue", queue, "function", function).timer();
    assertThat(t).as("%s{queue=%s,function=%s}", name, queue, function).isNotNull();
    return t;
  }

  private double gauge(String queue, String state) {
    Gauge g = registry.find(DocketMeters.JOBS).tags("queue", queue, "state", state).gauge();
    assertThat(g).as("gauge docket.jobs{queue=%s,state=%s}", queue, state).isNotNull();
    return g.value();
  }

  // ---------------------------------------------------------------- counters and timers

  @Test
  void threadedEngineCountsSucceededAndFailedJobsAndTimesEveryAttempt() {
    DocketMeters meters = new DocketMeters();
    CountDownLatch done = new CountDownLatch(7);
    Docket docket =
        Docket.builder()
            .store(new InMemoryStore())
            .workers("default", 3)
            .handler("ok", ctx -> "done")
            .handler(
                "boom",
                ctx -> {
                  throw new IllegalStateException("boom");
                })
            .listener(meters)
            .listener(
                e -> {
                  if (e instanceof DocketEvent.JobChanged c && c.job().isFinished()) {
                    done.countDown();
                  }
                })
            .build();
    toClose.add(docket);
    meters.bindTo(registry);
    meters.watch(docket);
    docket.start();

    for (int i = 0; i < 5; i++) {
      docket.jobs().submit(JobRequest.builder("ok").build());
    }
    for (int i = 0; i < 2; i++) {
      docket.jobs().submit(JobRequest.builder("boom").maxAttempts(1).build());
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> done.getCount() == 0);
    assertThat(finished("default", "ok", "succeeded")).isEqualTo(5);
    assertThat(finished("default", "boom", "failed")).isEqualTo(2);
    assertThat(finished("default", "ok", "failed")).isZero();
    assertThat(registry.find(DocketMeters.JOBS_FINISHED).counters()).hasSize(2);

    Timer okWait = timer(DocketMeters.JOB_WAIT, "default", "ok");
    Timer okRun = timer(DocketMeters.JOB_RUN, "default", "ok");
    Timer boomRun = timer(DocketMeters.JOB_RUN, "default", "boom");
    assertThat(okWait.count()).isEqualTo(5);
    assertThat(okRun.count()).isEqualTo(5);
    assertThat(boomRun.count()).isEqualTo(2);
    assertThat(timer(DocketMeters.JOB_WAIT, "default", "boom").count()).isEqualTo(2);
    for (Timer t : List.of(okWait, okRun, boomRun)) {
      assertThat(t.totalTime(TimeUnit.SECONDS)).isBetween(0.0, 10.0);
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gauge("default", "running")).isZero());
  }

  @Test
  void waitAndRunTimesFollowTheEngineClockAndEveryAttemptIsTimedOnce() {
    DocketMeters meters = new DocketMeters();
    AtomicInteger calls = new AtomicInteger();
    ManualDocket m =
        manual(
            builder(meters)
                .workers("default", 1)
                .backoff(Backoff.fixed(Duration.ofSeconds(10)))
                .handler(
                    "slow",
                    ctx -> {
                      clock.advance(Duration.ofSeconds(3)); // the attempt "runs" 3 s
                      if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first attempt fails");
                      }
                      return "ok";
                    }));
    meters.bindTo(registry);
    meters.watch(m.docket());

    Job job = m.jobs().submit(JobRequest.builder("slow").maxAttempts(2).build());
    m.advance(Duration.ofSeconds(2)); // due for 2 s before a worker takes it
    m.runDueAndWait();
    assertThat(m.jobs().get(job.id()).status()).isEqualTo(JobStatus.SCHEDULED);

    Timer wait = timer(DocketMeters.JOB_WAIT, "default", "slow");
    Timer run = timer(DocketMeters.JOB_RUN, "default", "slow");
    assertThat(wait.count()).isEqualTo(1);
    assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
    assertThat(run.count()).as("the failed attempt that goes back to SCHEDULED is timed").isEqualTo(1);
    assertThat(run.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
    assertThat(finished("default", "slow", "failed")).as("a retry is not a terminal state").isZero();

    m.advance(Duration.ofSeconds(10)); // the retry is due now and starts at once
    m.runDueAndWait();
    assertThat(m.jobs().get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(wait.count()).isEqualTo(2);
    assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
    assertThat(run.count()).isEqualTo(2);
    assertThat(run.totalTime(TimeUnit.SECONDS)).isEqualTo(6.0);
    assertThat(run.max(TimeUnit.SECONDS)).isEqualTo(3.0);
    assertThat(finished("default", "slow", "succeeded")).isEqualTo(1);
  }

  @Test
  void cancelledAndRejectedJobsAreCountedWithoutRunTimes() {
    DocketMeters meters = new DocketMeters();
    ManualDocket m = manual(builder(meters).workers("default", 1).handler("send", ctx -> "sent"));
    meters.bindTo(registry);
    meters.watch(m.docket());

    Job queued = m.jobs().submit(JobRequest.builder("send").build());
    m.jobs().cancel(queued.id());
    Job gated = m.jobs().submit(JobRequest.builder("send").approval(ApprovalSpec.of("to everyone")).build());
    ApprovalRequest req = m.hitl().forJob(gated.id()).orElseThrow();
    m.hitl().reject(req.id(), "not to everyone");
    m.runDueAndWait();

    assertThat(finished("default", "send", "cancelled")).isEqualTo(1);
    assertThat(finished("default", "send", "rejected")).isEqualTo(1);
    assertThat(registry.find(DocketMeters.JOB_RUN).timers()).isEmpty();
    assertThat(registry.find(DocketMeters.JOB_WAIT).timers()).isEmpty();
  }

  @Test
  void functionTagsBeyondTheCapAreTaggedOther() {
    DocketMeters meters = new DocketMeters(2);
    Docket.Builder b = builder(meters).workers("default", 1);
    for (String f : List.of("f1", "f2", "f3", "f4")) {
      b.handler(f, ctx -> f);
    }
    ManualDocket m = manual(b);
    meters.bindTo(registry);
    meters.watch(m.docket());

    for (String f : List.of("f1", "f2", "f3", "f4", "f1", "f4")) {
      m.jobs().submit(JobRequest.builder(f).build());
      m.runDueAndWait();
    }

    assertThat(finished("default", "f1", "succeeded")).isEqualTo(2);
    assertThat(finished("default", "f2", "succeeded")).isEqualTo(1);
    assertThat(finished("default", DocketMeters.OTHER_FUNCTION, "succeeded")).isEqualTo(3);
    Set<String> functionTags =
        registry.getMeters().stream()
            .map(meter -> meter.getId().getTag("function"))
            .filter(t -> t != null)
            .collect(Collectors.toSet());
    assertThat(functionTags).containsExactlyInAnyOrder("f1", "f2", DocketMeters.OTHER_FUNCTION);
    assertThat(timer(DocketMeters.JOB_RUN, "default", DocketMeters.OTHER_FUNCTION).count()).isEqualTo(3);
  }

  @Test
  void eventsBeforeBindToAreDropped() {
    DocketMeters meters = new DocketMeters();
    ManualDocket m = manual(builder(meters).workers("default", 1).handler("ok", ctx -> "done"));
    meters.watch(m.docket());

    m.jobs().submit(JobRequest.builder("ok").build());
    m.runDueAndWait();
    meters.bindTo(registry);
    assertThat(registry.find(DocketMeters.JOBS_FINISHED).counters()).isEmpty();

    m.jobs().submit(JobRequest.builder("ok").build());
    m.runDueAndWait();
    assertThat(finished("default", "ok", "succeeded")).isEqualTo(1);
  }

  // ---------------------------------------------------------------- depth gauges

  @Test
  void depthGaugesShowJobsWaitingInAQueueNoWorkerServes() {
    DocketMeters meters = new DocketMeters(200, Duration.ZERO, System::nanoTime); // no cache
    Docket docket =
        Docket.builder()
            .store(new InMemoryStore())
            .workers("other", 1)
            .acceptUnknownFunctions()
            .listener(meters)
            .build();
    toClose.add(docket);
    meters.bindTo(registry);
    meters.watch(docket);
    docket.start();

    for (int i = 0; i < 3; i++) {
      docket.jobs().submit(JobRequest.builder("report").queue("idle").build());
    }
    docket.jobs().submit(JobRequest.builder("report").queue("idle").delay(Duration.ofHours(1)).build());
    docket.jobs().submit(JobRequest.builder("report").queue("idle").approval(ApprovalSpec.of("big")).build());

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(gauge("idle", "queued")).isEqualTo(3);
              assertThat(gauge("idle", "scheduled")).isEqualTo(1);
              assertThat(gauge("idle", "awaiting_approval")).isEqualTo(1);
              assertThat(gauge("idle", "running")).isZero();
            });
    assertThat(registry.find(DocketMeters.JOBS).tag("queue", "idle").gauges()).hasSize(4);
  }

  @Test
  void oneDepthReadServesAllGaugesUntilTheCacheAgeIsReached() {
    AtomicLong nanos = new AtomicLong();
    DocketMeters meters = new DocketMeters(200, Duration.ofSeconds(1), nanos::get);
    ManualDocket m = manual(builder(meters).workers("other", 1).acceptUnknownFunctions());
    m.jobs().submit(JobRequest.builder("report").queue("idle").build());
    meters.bindTo(registry);
    meters.watch(m.docket()); // reads the depth once, to find the queues
    assertThat(gauge("idle", "queued")).isEqualTo(1);

    m.jobs().submit(JobRequest.builder("report").queue("idle").build());
    m.jobs().submit(JobRequest.builder("report").queue("idle").delay(Duration.ofMinutes(5)).build());
    nanos.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(gauge("idle", "queued")).as("still the cached read").isEqualTo(1);
    assertThat(gauge("idle", "scheduled")).isZero();

    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(gauge("idle", "queued")).isEqualTo(2);
    assertThat(gauge("idle", "scheduled")).isEqualTo(1);
  }

  @Test
  void queuesFoundInTheStoreGetGaugesWithoutAnyEventOfThisEngine() {
    AtomicLong nanos = new AtomicLong();
    DocketMeters meters = new DocketMeters(200, Duration.ofSeconds(1), nanos::get);
    // not the engine's listener: queues can only be learned from depth reads
    ManualDocket m = manual(Docket.builder().store(new InMemoryStore()).workers("other", 1).acceptUnknownFunctions());
    m.jobs().submit(JobRequest.builder("report").queue("early").build());

    meters.watch(m.docket());
    meters.bindTo(registry);
    assertThat(gauge("early", "queued")).isEqualTo(1);
    assertThat(registry.find(DocketMeters.JOBS).tag("queue", "late").gauges()).isEmpty();

    m.jobs().submit(JobRequest.builder("report").queue("late").build());
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    gauge("early", "queued"); // a scrape refreshes the read and learns the new queue
    assertThat(gauge("late", "queued")).isEqualTo(1);
  }

  @Test
  void gaugesOfAQueueWithNothingLeftReadZero() {
    DocketMeters meters = new DocketMeters(200, Duration.ZERO, System::nanoTime);
    ManualDocket m = manual(builder(meters).workers("default", 1).handler("ok", ctx -> "done"));
    meters.bindTo(registry);
    meters.watch(m.docket());

    m.jobs().submit(JobRequest.builder("ok").build());
    assertThat(gauge("default", "queued")).isEqualTo(1);
    m.runDueAndWait();
    assertThat(gauge("default", "queued")).isZero();
    assertThat(gauge("default", "running")).isZero();
  }

  // ---------------------------------------------------------------- binding rules

  @Test
  void bindsToOneRegistryAndWatchesOneEngine() {
    DocketMeters meters = new DocketMeters();
    ManualDocket a = manual(builder(meters).workers("default", 1));
    ManualDocket b = manual(Docket.builder().store(new InMemoryStore()).workers("default", 1));
    SimpleMeterRegistry other = new SimpleMeterRegistry();

    meters.bindTo(registry);
    meters.bindTo(registry);
    meters.watch(a.docket());
    meters.watch(a.docket());
    assertThatThrownBy(() -> meters.bindTo(other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CompositeMeterRegistry");
    assertThatThrownBy(() -> meters.watch(b.docket()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one DocketMeters per engine");
    assertThatThrownBy(() -> new DocketMeters(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(other.getMeters()).isEmpty();
    other.close();
  }

  @Test
  void progressEventsAndCancelRequestNotesAreNotCounted() {
    DocketMeters meters = new DocketMeters();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ManualDocket m =
        manual(
            builder(meters)
                .workers("default", 1)
                .handler(
                    "long",
                    ctx -> {
                      ctx.progress(50, "half way");
                      started.countDown();
                      release.await(10, TimeUnit.SECONDS);
                      return "done";
                    }));
    meters.bindTo(registry);
    meters.watch(m.docket());

    Job job = m.jobs().submit(JobRequest.builder("long").build());
    m.runDue();
    await().atMost(Duration.ofSeconds(5)).until(() -> started.getCount() == 0);
    m.jobs().cancel(job.id()); // RUNNING -> RUNNING note "cancel requested"
    assertThat(registry.find(DocketMeters.JOBS_FINISHED).counters()).isEmpty();
    assertThat(registry.find(DocketMeters.JOB_RUN).timers()).isEmpty();

    release.countDown();
    m.awaitIdle();
    java.util.Collection<Meter> finishedMeters = registry.find(DocketMeters.JOBS_FINISHED).meters();
    assertThat(finishedMeters).hasSize(1);
    double total = finished("default", "long", "cancelled") + finished("default", "long", "succeeded");
    assertThat(total).isEqualTo(1);
    assertThat(timer(DocketMeters.JOB_RUN, "default", "long").count()).isEqualTo(1);
  }
}
