package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.memory.InMemoryStore;
import dev.docket.spi.Store;
import dev.docket.testkit.InterceptedStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim buffer an engine uses when its builder sets none: at most the store's hint per worker,
 * adapted to the handlers' run times (ManualDocket measures them on its clock, which the "work"
 * handler advances; WorkerPoolTest checks the arithmetic on its own).
 */
class PrefetchDefaultTest {

  private final MutableClock clock = MutableClock.start();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    release.countDown();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** An in-memory store that hints {@code perWorker} buffered jobs per worker. */
  private static Store hinting(int perWorker) {
    return InterceptedStore.of(new InMemoryStore(), method -> {}, Map.of("prefetchPerWorker", perWorker));
  }

  /** Submits 100 jobs that block until the test ends, dispatches once; how many were claimed. */
  private int claimedByOneDispatch(Store store, Optional<Integer> prefetch) {
    return claimedByOneDispatch(store, prefetch, Duration.ZERO, 0);
  }

  /** The same, after {@code earlier} jobs that each ran for {@code each} (on the manual clock). */
  private int claimedByOneDispatch(Store store, Optional<Integer> prefetch, Duration each, int earlier) {
    Docket.Builder b =
        Docket.builder()
            .store(store)
            .workers("default", 2)
            .handler(
                "block",
                ctx -> {
                  release.await();
                  return null;
                })
            .handler(
                "work",
                ctx -> {
                  clock.advance(each); // one job at a time (runDueAndWait)
                  return null;
                });
    prefetch.ifPresent(b::prefetch);
    ManualDocket m = ManualDocket.of(b, clock);
    toClose.add(m);
    for (int i = 0; i < earlier; i++) {
      m.jobs().submit(JobRequest.builder("work").build());
      m.runDueAndWait();
    }
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(JobRequest.builder("block").build());
    }
    m.jobs().submitAll(batch);
    m.runDue();
    return m.jobs().list(JobFilter.all().status(JobStatus.RUNNING), 100).items().size();
  }

  @Test
  void theDefaultBufferIsFourJobsPerWorker() {
    assertThat(new InMemoryStore().prefetchPerWorker()).isEqualTo(4);
    assertThat(claimedByOneDispatch(new InMemoryStore(), Optional.empty())).isEqualTo(2 + 2 * 4);
  }

  @Test
  void beforeAnyHandlerReturnedTheBufferHoldsFourJobsPerWorkerAtMost() {
    assertThat(claimedByOneDispatch(hinting(16), Optional.empty())).isEqualTo(2 + 2 * 4);
    assertThat(claimedByOneDispatch(hinting(1), Optional.empty())).isEqualTo(2 + 2 * 1);
  }

  @Test
  void forShortJobsTheStoreHintSetsTheBuffer() {
    assertThat(claimedByOneDispatch(hinting(16), Optional.empty(), Duration.ofMillis(1), 3)).isEqualTo(2 + 2 * 16);
  }

  @Test
  void forLongerJobsTheBufferHoldsAboutFiftyMillisecondsOfWork() {
    // 2 workers x 50 ms / 20 ms = 5 buffered
    assertThat(claimedByOneDispatch(hinting(16), Optional.empty(), Duration.ofMillis(20), 3)).isEqualTo(2 + 5);
  }

  @Test
  void forLongJobsOnlyTheIdleWorkersGetOne() {
    assertThat(claimedByOneDispatch(hinting(16), Optional.empty(), Duration.ofSeconds(1), 3)).isEqualTo(2);
  }

  @Test
  void anExplicitPrefetchWinsOverTheStoreHintWhateverTheRunTimes() {
    assertThat(claimedByOneDispatch(hinting(16), Optional.of(3))).isEqualTo(2 + 3);
    assertThat(claimedByOneDispatch(hinting(16), Optional.of(0))).isEqualTo(2);
    assertThat(claimedByOneDispatch(hinting(16), Optional.of(30), Duration.ofSeconds(1), 3)).isEqualTo(2 + 30);
  }

  @Test
  void aNegativeHintIsRefusedAtStart() {
    Docket d = Docket.builder().store(hinting(-1)).workers("default", 1).handler("noop", ctx -> null).build();
    toClose.add(d);
    assertThatThrownBy(d::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("negative prefetch per worker: -1");
  }
}
