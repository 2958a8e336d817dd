package dev.docket.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a queue's buffer lets the dispatcher claim: fixed, or adapted to the handlers' run times. */
class WorkerPoolTest {

  private WorkerPool pool;

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private WorkerPool pool(int workers, int prefetch, boolean adaptive) {
    pool = new WorkerPool("q", workers, prefetch, adaptive);
    return pool;
  }

  private static void ran(WorkerPool p, Duration each, int times) {
    for (int i = 0; i < times; i++) {
      p.recordRun(each.toNanos());
    }
  }

  @Test
  void aFixedBufferHoldsItsPrefetchWhateverTheRunTimes() {
    WorkerPool p = pool(8, 128, false);
    assertThat(p.freeSlots()).isEqualTo(8 + 128);
    ran(p, Duration.ofSeconds(5), 50);
    assertThat(p.bufferTarget()).isEqualTo(128);
    assertThat(p.freeSlots()).isEqualTo(8 + 128);
  }

  @Test
  void anAdaptiveBufferStartsAtFourJobsPerWorkerOrItsPrefetchIfLower() {
    assertThat(pool(8, 128, true).freeSlots()).isEqualTo(8 + 4 * 8);
    pool.shutdownNow();
    assertThat(pool(8, 10, true).freeSlots()).isEqualTo(8 + 10);
  }

  @Test
  void shortJobsFillTheWholePrefetch() {
    WorkerPool p = pool(8, 128, true);
    ran(p, Duration.ofNanos(20_000), 10);
    assertThat(p.bufferTarget()).isEqualTo(128);
    assertThat(p.freeSlots()).isEqualTo(8 + 128);
    ran(p, Duration.ZERO, 10);
    assertThat(p.bufferTarget()).isEqualTo(128);
  }

  @Test
  void theBufferHoldsAboutFiftyMillisecondsOfTheQueuesWork() {
    WorkerPool p = pool(8, 128, true);
    ran(p, Duration.ofMillis(10), 100);
    assertThat(p.bufferTarget()).isEqualTo(8 * 50 / 10);
    assertThat(p.freeSlots()).isEqualTo(8 + 40);
  }

  @Test
  void longJobsAreClaimedOnlyForIdleWorkers() {
    WorkerPool p = pool(8, 128, true);
    ran(p, Duration.ofSeconds(1), 100);
    assertThat(p.bufferTarget()).isZero();
    assertThat(p.freeSlots()).isEqualTo(8);
    assertThat(p.takeSlots(100)).isEqualTo(8);
    assertThat(p.freeSlots()).isZero();
    assertThat(p.worthClaiming()).isFalse();
    p.releaseSlot();
    assertThat(p.freeSlots()).isEqualTo(1);
    assertThat(p.worthClaiming()).isTrue();
  }

  @Test
  void theMeanFollowsTheRecentRuns() {
    WorkerPool p = pool(8, 128, true);
    ran(p, Duration.ofSeconds(1), 50);
    assertThat(p.bufferTarget()).isZero();
    ran(p, Duration.ofNanos(50_000), 60); // the jobs became short: the buffer grows back
    assertThat(p.bufferTarget()).isEqualTo(128);
  }

  @Test
  void slotsTakenCountAgainstTheBuffer() {
    WorkerPool p = pool(2, 64, true);
    ran(p, Duration.ofMillis(25), 100); // 2 x 50 ms / 25 ms = 4 buffered
    assertThat(p.freeSlots()).isEqualTo(2 + 4);
    assertThat(p.takeSlots(3)).isEqualTo(3);
    assertThat(p.freeSlots()).isEqualTo(3);
    assertThat(p.takeSlots(10)).isEqualTo(3);
    assertThat(p.freeSlots()).isZero();
    assertThat(p.takeSlot()).as("a single slot (a claim that came back larger) is still there").isTrue();
  }
}
