package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A submit on a node with an idle worker claims in its own write: the job is already running when
 * {@code submit} returns, without a round trip through the dispatcher.
 */
class SubmitClaimTest {

  @Test
  void aSubmitIntoAnIdleWorkerReturnsWithTheJobAlreadyRunningOnThisNode() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Docket d =
        Docket.builder()
            .store(new InMemoryStore())
            .nodeId("n1")
            .workers("default", 1)
            .prefetch(0)
            .handler("block", ctx -> release.await(30, TimeUnit.SECONDS))
            .build()
            .start()) {
      Job j = d.jobs().submit(JobRequest.builder("block").build());

      Job now = d.jobs().get(j.id());
      assertThat(now.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(now.node()).contains(NodeId.of("n1"));
      assertThat(now.attempts()).isEqualTo(1);
      assertThat(d.jobs().events(j.id()))
          .extracting(e -> e.to())
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING);

      release.countDown();
      await().until(() -> d.jobs().get(j.id()).status() == JobStatus.SUCCEEDED);
    }
  }

  /**
   * A job for a queue this node has no workers for wakes nobody here (other nodes hear of it from
   * the store); one for a local queue, or a deferred one (promotion is every node's), does.
   */
  @Test
  void onlyWorkThisNodeCanDoWakesItsDispatcher() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    MutableClock clock = MutableClock.start();
    try (ManualDocket m =
        ManualDocket.of(
            Docket.builder()
                .store(new InMemoryStore())
                .workers("local", 1)
                .prefetch(0)
                .handler("x", ctx -> null)
                .handler("block", ctx -> release.await(30, TimeUnit.SECONDS)),
            clock)) {
      m.takeDispatchWakeup();
      m.jobs().submitAll(List.of(JobRequest.builder("x").queue("remote").build(), JobRequest.builder("x").queue("remote").build()));
      m.jobs().submit(JobRequest.builder("x").queue("remote").build());
      assertThat(m.takeDispatchWakeup()).isFalse();

      m.jobs().submit(JobRequest.builder("block").queue("local").build());
      assertThat(m.takeDispatchWakeup()).isTrue(); // this node's dispatcher claims it (no loops here
      // to claim on submit: that path has its own tests above)

      m.jobs().submit(JobRequest.builder("x").queue("remote").delay(java.time.Duration.ofMinutes(1)).build());
      assertThat(m.takeDispatchWakeup()).isTrue(); // promotion is every node's job
      release.countDown();
    }
  }

  @Test
  void aSubmitWhileEveryWorkerIsBusyOnlyQueuesAndNoSlotIsOverbooked() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Docket d =
        Docket.builder()
            .store(new InMemoryStore())
            .workers("default", 1)
            .prefetch(0)
            .handler("block", ctx -> release.await(30, TimeUnit.SECONDS))
            .build()
            .start()) {
      Job first = d.jobs().submit(JobRequest.builder("block").build());
      List<Job> more = d.jobs().submitAll(List.of(JobRequest.builder("block").build(), JobRequest.builder("block").build()));

      assertThat(d.jobs().get(first.id()).status()).isEqualTo(JobStatus.RUNNING);
      for (Job j : more) {
        assertThat(d.jobs().get(j.id()).status()).isEqualTo(JobStatus.QUEUED);
      }

      release.countDown();
      await().until(() -> more.stream().allMatch(j -> d.jobs().get(j.id()).status() == JobStatus.SUCCEEDED));
      assertThat(d.jobs().get(first.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    }
  }

  @Test
  void aBatchClaimsNoMoreThanTheFreeSlotsAndTheRestRunsLater() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Docket d =
        Docket.builder()
            .store(new InMemoryStore())
            .workers("default", 2)
            .prefetch(1)
            .handler("block", ctx -> release.await(30, TimeUnit.SECONDS))
            .build()
            .start()) {
      List<JobRequest> batch = java.util.stream.IntStream.range(0, 10).mapToObj(i -> JobRequest.builder("block").build()).toList();
      List<Job> jobs = d.jobs().submitAll(batch);

      // two workers plus one buffered: at most three claimed, whoever claimed them
      long running = jobs.stream().filter(j -> d.jobs().get(j.id()).status() == JobStatus.RUNNING).count();
      assertThat(running).isBetween(1L, 3L);

      release.countDown();
      await().until(() -> jobs.stream().allMatch(j -> d.jobs().get(j.id()).status() == JobStatus.SUCCEEDED));
      for (Job j : jobs) {
        assertThat(d.jobs().get(j.id()).attempts()).as("job %s ran once", j.id()).isEqualTo(1);
      }
    }
  }

  @Test
  void submitsRacingTheDispatcherNeverOverbookAWorkerSlot() throws Exception {
    InMemoryStore store = new InMemoryStore();
    try (Docket d =
        Docket.builder().store(store).workers("default", 2).prefetch(2).handler("noop", ctx -> null).build().start()) {
      java.util.List<JobId> ids = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      Thread[] submitters = new Thread[4];
      for (int t = 0; t < submitters.length; t++) {
        submitters[t] =
            new Thread(
                () -> {
                  for (int i = 0; i < 250; i++) {
                    ids.add(d.jobs().submit(JobRequest.builder("noop").build()).id());
                  }
                });
        submitters[t].start();
      }
      for (Thread t : submitters) {
        t.join();
      }
      await().until(() -> ids.stream().allMatch(id -> d.jobs().get(id).status() == JobStatus.SUCCEEDED));
      for (JobId id : ids) {
        // a claimed job that found no free slot would be given back ("no free worker") and claimed again
        assertThat(d.jobs().events(id)).extracting(JobEvent::to)
            .as("history of %s", id)
            .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
      }
    }
  }

  @Test
  void closingWhileSubmitsClaimLeavesNoJobRunning() throws Exception {
    InMemoryStore store = new InMemoryStore();
    Docket d = Docket.builder().store(store).workers("default", 2).handler("noop", ctx -> null).build().start();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger submitted = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] submitters = new Thread[3];
    for (int t = 0; t < submitters.length; t++) {
      submitters[t] =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    d.jobs().submit(JobRequest.builder("noop").build());
                    submitted.incrementAndGet();
                  } catch (RuntimeException closed) {
                    return;
                  }
                }
              });
      submitters[t].start();
    }
    await().until(() -> submitted.get() >= 200);
    d.close();
    stop.set(true);
    for (Thread t : submitters) {
      t.join();
    }
    // every claimed job was either run and stored, or given back: none is left RUNNING for its lease to expire
    assertThat(store.jobs().list(JobFilter.all().status(JobStatus.RUNNING), java.util.Optional.empty(), 100).items())
        .isEmpty();
  }

  /** A store whose job store counts the dispatcher's claim calls. */
  private static dev.docket.spi.Store countingClaims(dev.docket.spi.Store store, java.util.concurrent.atomic.AtomicInteger claims) {
    return dev.docket.testkit.InterceptedStore.of(
        store,
        method -> {
          if (method.equals("claim")) {
            claims.incrementAndGet();
          }
        });
  }

  @Test
  void finishedJobsDoNotSendTheDispatcherToAnEmptyQueue() throws Exception {
    java.util.concurrent.atomic.AtomicInteger claims = new java.util.concurrent.atomic.AtomicInteger();
    try (Docket d =
        Docket.builder()
            .store(countingClaims(new InMemoryStore(), claims))
            .workers("default", 2)
            .pollInterval(java.time.Duration.ofHours(1))
            .handler("noop", ctx -> null)
            .build()
            .start()) {
      await().until(() -> claims.get() >= 1); // the dispatcher's first look, at start
      int atStart = claims.get();
      for (int i = 0; i < 20; i++) {
        Job j = d.jobs().submit(JobRequest.builder("noop").build()); // claimed by the submit itself
        await().until(() -> d.jobs().get(j.id()).status() == JobStatus.SUCCEEDED);
      }
      // each ack used to wake the dispatcher for a claim that found nothing (20 more claims)
      assertThat(claims.get() - atStart).isLessThanOrEqualTo(1);
    }
  }
}
