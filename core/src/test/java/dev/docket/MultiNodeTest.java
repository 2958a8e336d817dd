package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several engines on one store: leases, takeover and cancels across nodes. */
class MultiNodeTest {

  private final MutableClock clock = MutableClock.start();
  private final InMemoryStore store = new InMemoryStore();
  private final List<AutoCloseable> open = new java.util.ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private ManualDocket node(String id, String function, JobHandler handler) {
    ManualDocket m =
        ManualDocket.of(
            Docket.builder()
                .store(store.peer())
                .nodeId(id)
                .prefetch(0)
                .leaseDuration(Duration.ofSeconds(10))
                .heartbeatInterval(Duration.ofSeconds(2))
                .cancelGrace(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ZERO)
                .handler(function, handler),
            clock);
    open.add(m);
    return m;
  }

  @Test
  void jobsOfANodeThatStopsHeartBeatingAreTakenOverAndItsLateResultIsDropped() throws Exception {
    CountDownLatch aStarted = new CountDownLatch(1);
    CountDownLatch aRelease = new CountDownLatch(1);
    AtomicInteger bRuns = new AtomicInteger();
    ManualDocket a =
        node(
            "node-a",
            "work",
            ctx -> {
              aStarted.countDown();
              // a hung node: ignores interrupts until released
              while (!aRelease.await(1, TimeUnit.DAYS)) {}
              return "from a";
            });
    ManualDocket b = node("node-b", "work", ctx -> "from b #" + bRuns.incrementAndGet());
    Job j = a.jobs().submit(JobRequest.builder("work").build());
    a.runDue();
    assertThat(aStarted.await(10, TimeUnit.SECONDS)).isTrue();

    // b heart-beats, a does not; while a's lease is alive b takes nothing
    clock.advance(Duration.ofSeconds(9));
    b.heartbeat();
    assertThat(b.reapExpired()).isZero();
    assertThat(b.runDueAndWait()).isZero();

    clock.advance(Duration.ofSeconds(2));
    assertThat(b.reapExpired()).isEqualTo(1);
    assertThat(b.jobs().get(j.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(b.runDueAndWait()).isEqualTo(1);
    Job done = b.jobs().get(j.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.result().orElseThrow().asText()).isEqualTo("from b #1");

    // a wakes up: its heartbeat says the lease is gone, and its late result changes nothing
    a.heartbeat();
    aRelease.countDown();
    a.awaitIdle();
    assertThat(b.jobs().get(j.id()).result().orElseThrow().asText()).isEqualTo("from b #1");
    assertThat(b.jobs().events(j.id())).extracting(JobEvent::detail).anyMatch(d -> d.contains("lease"));
  }

  @Test
  void heartbeatKeepsALiveNodesJobs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ManualDocket a =
        node(
            "node-a",
            "work",
            ctx -> {
              started.countDown();
              release.await();
              return null;
            });
    ManualDocket b = node("node-b", "work", ctx -> null);
    Job j = a.jobs().submit(JobRequest.builder("work").build());
    a.runDue();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(2));
      a.heartbeat();
      assertThat(b.reapExpired()).isZero();
    }
    release.countDown();
    a.awaitIdle();
    assertThat(a.jobs().get(j.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(a.jobs().get(j.id()).attempts()).isEqualTo(1);
  }

  @Test
  void cancelRequestedOnAnotherNodeReachesTheHandlerAtTheNextHeartbeat() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    ManualDocket a =
        node(
            "node-a",
            "loop",
            ctx -> {
              started.countDown();
              while (!ctx.isCancelled()) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
              }
              return null;
            });
    ManualDocket b = node("node-b", "loop", ctx -> null);
    Job j = a.jobs().submit(JobRequest.builder("loop").build());
    a.runDue();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Job flagged = b.jobs().cancel(j.id());
    assertThat(flagged.cancelRequested()).isTrue();
    assertThat(a.running()).isEqualTo(1);
    a.heartbeat();
    a.awaitIdle();
    assertThat(b.jobs().get(j.id()).status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void threeStartedEnginesDrainOneQueueWithoutRunningAnyJobTwice() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    JobHandler h =
        ctx -> {
          runs.incrementAndGet();
          if (!seen.add(ctx.jobId().value())) {
            duplicates.incrementAndGet();
          }
          return null;
        };
    List<Docket> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Docket d =
          Docket.builder()
              .store(store.peer())
              .workers("default", 4)
              .pollInterval(Duration.ofMillis(20))
              .handler("h", h)
              .build();
      open.add(d);
      nodes.add(d.start());
    }
    List<JobRequest> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      batch.add(JobRequest.builder("h").build());
    }
    nodes.get(0).jobs().submitAll(batch);
    await().atMost(Duration.ofSeconds(60)).until(() -> runs.get() >= 3_000 && nodes.get(0).jobs().depth().isEmpty());
    assertThat(duplicates).hasValue(0);
    assertThat(seen).hasSize(3_000);
    assertThat(nodes.get(0).jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 500).items()).hasSize(500);
  }
}
