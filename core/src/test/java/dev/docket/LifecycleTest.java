package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.docket.memory.InMemoryStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The threaded engine: start, run on its own, close gracefully. */
class LifecycleTest {

  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryStore observer = store.peer();

  private Docket.Builder builder() {
    return Docket.builder().store(store).workers("default", 1).pollInterval(Duration.ofMillis(50));
  }

  @Test
  void startedEngineRunsSubmittedJobsWithoutBeingDriven() {
    CountDownLatch done = new CountDownLatch(20);
    try (Docket d = builder().workers("default", 3).handler("tick", ctx -> {
          done.countDown();
          return null;
        }).build().start()) {
      for (int i = 0; i < 20; i++) {
        d.jobs().submit(JobRequest.builder("tick").build());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> done.getCount() == 0);
      await().until(() -> d.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 50).items().size() == 20);
    }
  }

  @Test
  void startTwiceIsAnErrorAndCloseTwiceIsHarmless() {
    Docket d = builder().handler("x", ctx -> null).build();
    d.start();
    assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class);
    d.close();
    d.close();
    assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeLetsRunningJobsFinishAndClaimsNothingNew() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    Docket d =
        builder()
            .shutdownGrace(Duration.ofSeconds(30))
            .handler(
                "work",
                ctx -> {
                  runs.incrementAndGet();
                  started.countDown();
                  release.await();
                  return "finished";
                })
            .build()
            .start();
    Job first = d.jobs().submit(JobRequest.builder("work").build());
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Job second = d.jobs().submit(JobRequest.builder("work").build());

    Thread closer = new Thread(d::close, "closer");
    closer.start();
    await().until(() -> closer.getState() == Thread.State.TIMED_WAITING || closer.getState() == Thread.State.WAITING);
    release.countDown();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();

    assertThat(observer.jobs().find(first.id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(observer.jobs().find(second.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(runs).hasValue(1);
    assertThat(observer.nodes().list()).isEmpty();
  }

  @Test
  void jobStillRunningAfterTheGraceIsInterruptedAndGivenBack() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    Docket d =
        builder()
            .shutdownGrace(Duration.ofMillis(100))
            .handler(
                "forever",
                ctx -> {
                  started.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                  }
                  return null;
                })
            .build()
            .start();
    Job j = d.jobs().submit(JobRequest.builder("forever").build());
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    d.close();
    assertThat(interrupted).hasValue(1);
    Job back = observer.jobs().find(j.id()).orElseThrow();
    assertThat(back.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(back.attempts()).isZero();
    assertThat(observer.jobs().events(j.id()).get(observer.jobs().events(j.id()).size() - 1).detail())
        .contains("shut down");
  }

  @Test
  void deferredJobRunsOnItsOwnWhenDue() {
    CountDownLatch ran = new CountDownLatch(1);
    try (Docket d = builder().handler("soon", ctx -> {
          ran.countDown();
          return null;
        }).build().start()) {
      d.jobs().submit(JobRequest.builder("soon").delay(Duration.ofMillis(200)).build());
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.getCount() == 0);
    }
  }

  @Test
  void buildNeedsAStoreAndSaneLeaseSettings() {
    assertThatThrownBy(() -> Docket.builder().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("store");
    assertThatThrownBy(
            () ->
                Docket.builder()
                    .store(new InMemoryStore())
                    .leaseDuration(Duration.ofSeconds(2))
                    .heartbeatInterval(Duration.ofSeconds(2))
                    .build())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("heartbeatInterval"));
    assertThatThrownBy(() -> Docket.builder().workers("default", 0))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("workers"));
    assertThatThrownBy(() -> Docket.builder().handler("a", c -> null).handler("a", c -> null))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("function"));
  }
}
