package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.action.MessageSender;
import dev.docket.internal.engine.Engine;
import dev.docket.internal.engine.Engines;
import dev.docket.memory.InMemoryStore;
import dev.docket.spi.ClaimRequest;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that runs the fires' queue stores the jobs of the fires it carries out ahead claimed by
 * itself (held), and starts them at their fire time without a claim then; fake clock, steps by hand.
 */
class HeldFiresTest {

  private static final Principal ALICE = Principal.user("alice");
  private static final Instant FIRE = Instant.parse("2026-11-30T08:00:00Z"); // 09:00 in Amsterdam

  private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-29T12:00:00Z"));
  private final InMemoryStore store = new InMemoryStore();
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  /** Sends from this many on wait for the gate. */
  private volatile int blockFrom = 0;
  private final MessageSender sender =
      (room, content) -> {
        try {
          if (sent.size() >= blockFrom) {
            gate.await(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        sent.add(room);
      };
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    gate.countDown();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Docket.Builder builder(int workers) {
    return Docket.builder().store(store).workers("default", workers).messageSender(sender);
  }

  /** An engine driven by hand that holds fires like a started one. */
  private ManualDocket manual(Docket.Builder b) {
    ManualDocket m = ManualDocket.of(b, clock);
    Engines.of(m.docket()).holdFiresWhenManual(true);
    toClose.add(m);
    return m;
  }

  private static TaskSpec weekly(String name) {
    return TaskSpec.builder(name, "0 9 * * MON", "send_message")
        .timezone("Europe/Amsterdam")
        .args(SchedulerTest.SEED_ARGS)
        .build();
  }

  private void at(String instant) {
    clock.set(Instant.parse(instant));
  }

  private static JobId fireOf(ScheduledTask t) {
    return JobId.of(t.id().value() + ":2026-11-30T08:00Z");
  }

  @Test
  void aFireAheadIsStoredClaimedByItsNodeAndStartsAtItsTimeWithoutAClaim() {
    ManualDocket m = manual(builder(2).pollInterval(Duration.ofSeconds(30)));
    Engine engine = Engines.of(m.docket());
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly("weekly"));
    at("2026-11-30T07:59:57Z");
    assertThat(m.fireSchedules()).isEqualTo(1);

    Job held = m.jobs().get(fireOf(t));
    assertThat(held.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(held.attempts()).isEqualTo(1);
    assertThat(held.node()).contains(m.docket().nodeId());
    assertThat(held.startedAt()).as("claimed then, waiting for its time").contains(Instant.parse("2026-11-30T07:59:57Z"));
    assertThat(held.scheduledAt()).isEqualTo(FIRE);
    assertThat(engine.heldCount()).isEqualTo(1);
    assertThat(store.jobs().claim(new ClaimRequest(NodeId.of("other"), "default", 10, FIRE, Duration.ofSeconds(30))))
        .as("no other node can take it")
        .isEmpty();

    assertThat(m.runDue()).isZero();
    assertThat(sent).as("not before its time").isEmpty();
    assertThat(engine.nextDispatchWait()).isEqualTo(Duration.ofSeconds(3));

    at("2026-11-30T08:00:00Z");
    m.runDueAndWait();
    assertThat(sent).hasSize(1);
    assertThat(engine.heldCount()).isZero();
    Job done = m.jobs().get(fireOf(t));
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(1);
    List<JobEvent> history = m.jobs().events(fireOf(t));
    assertThat(history).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    assertThat(history.get(1).at()).isEqualTo(Instant.parse("2026-11-30T07:59:57Z"));
  }

  @Test
  void aHeldFireCancelledBeforeItsTimeEndsAtOnceAndNeverRuns() {
    ManualDocket m = manual(builder(2));
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly("weekly"));
    at("2026-11-30T07:59:58Z");
    m.fireSchedules();
    m.as(ALICE).jobs().cancel(fireOf(t));
    await().atMost(Duration.ofSeconds(10)).until(() -> m.jobs().get(fireOf(t)).status() == JobStatus.CANCELLED);
    assertThat(Engines.of(m.docket()).heldCount()).isZero();

    at("2026-11-30T08:00:00Z");
    m.runDueAndWait();
    assertThat(sent).isEmpty();
    assertThat(m.jobs().get(fireOf(t)).status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void heldFiresOfAQueuePausedBeforeTheirTimeGoBackToTheQueue() {
    ManualDocket m = manual(builder(2));
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly("weekly"));
    at("2026-11-30T07:59:57Z");
    m.fireSchedules();
    m.admin().pause("default");

    at("2026-11-30T08:00:00Z");
    assertThat(m.runDue()).isZero();
    m.awaitIdle();
    Job back = m.jobs().get(fireOf(t));
    assertThat(back.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(back.attempts()).as("a give-back is no attempt").isZero();
    assertThat(sent).isEmpty();

    m.admin().resume("default");
    m.runDueAndWait();
    assertThat(sent).hasSize(1);
  }

  @Test
  void aHeldFireNoWorkerTookWithinASecondOfItsTimeGoesBackToTheQueue() {
    ManualDocket m = manual(builder(1)); // 1 worker, a buffer of 4 before the first run
    Engine engine = Engines.of(m.docket());
    List<ScheduledTask> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tasks.add(m.as(ALICE).scheduler().create(weekly("weekly " + i)));
    }
    at("2026-11-30T07:59:57Z");
    assertThat(m.fireSchedules()).isEqualTo(6);
    assertThat(engine.heldCount()).isEqualTo(6);
    gate = new CountDownLatch(1); // the first job blocks the only worker

    at("2026-11-30T08:00:00Z");
    assertThat(m.runDue()).as("the worker and its buffer").isEqualTo(5);
    assertThat(engine.heldCount()).isEqualTo(1);
    at("2026-11-30T08:00:01Z");
    m.runDue();
    assertThat(engine.heldCount()).as("within the second").isEqualTo(1);

    at("2026-11-30T08:00:01.001Z");
    m.runDue();
    assertThat(engine.heldCount()).isZero();
    // the one left (the last in fire order) goes back to the queue, for any node
    await().atMost(Duration.ofSeconds(10)).until(() -> queued(tasks).size() == 1);
    Job back = queued(tasks).get(0);
    assertThat(back.attempts()).as("a give-back is no attempt").isZero();
    assertThat(store.jobs().claim(new ClaimRequest(NodeId.of("other"), "default", 10, clock.instant(), Duration.ofSeconds(30))))
        .extracting(c -> c.job().id())
        .containsExactly(back.id());
  }

  @Test
  void heldFiresTheWorkersAreGettingThroughStayPastTheGraceAtTheirPace() {
    ManualDocket m = manual(builder(1));
    Engine engine = Engines.of(m.docket());
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    engine.useRunTimer(() -> nanos.addAndGet(10_000_000_000L)); // every run looks 10 s long
    List<ScheduledTask> tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(m.as(ALICE).scheduler().create(weekly("weekly " + i)));
    }
    at("2026-11-30T07:59:57Z");
    m.fireSchedules();
    blockFrom = 5;
    gate = new CountDownLatch(1);

    at("2026-11-30T08:00:00Z");
    assertThat(m.runDueAndWait()).as("the worker and its first buffer").isEqualTo(5);
    at("2026-11-30T08:00:00.500Z");
    assertThat(m.runDue()).as("one more: it blocks the worker").isEqualTo(1);
    assertThat(engine.heldCount()).isEqualTo(6);

    // by the handlers' mean run time (10 s) the worker gets to none in 5 s; at the pace of its
    // starts of the last second (1) it gets to 5
    at("2026-11-30T08:00:01.200Z");
    m.runDue();
    assertThat(engine.heldCount()).isEqualTo(5);
    await().atMost(Duration.ofSeconds(10)).until(() -> queued(tasks).size() == 1);
  }

  private List<Job> queued(List<ScheduledTask> tasks) {
    return tasks.stream()
        .map(t -> store.jobs().find(fireOf(t)).orElseThrow())
        .filter(j -> j.status() == JobStatus.QUEUED)
        .toList();
  }

  @Test
  void closingGivesBackTheHeldFiresForAnotherNode() {
    ManualDocket first = manual(builder(2));
    ScheduledTask t = first.as(ALICE).scheduler().create(weekly("weekly"));
    at("2026-11-30T07:59:57Z");
    first.fireSchedules();
    first.close();
    Job back = store.jobs().find(fireOf(t)).orElseThrow();
    assertThat(back.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(back.attempts()).isZero();
    assertThat(back.node()).isEmpty();

    ManualDocket second = manual(builder(2));
    at("2026-11-30T08:00:00Z");
    second.runDueAndWait();
    assertThat(sent).hasSize(1);
  }

  @Test
  void aNodeWithoutAPrefetchHoldsNothing() {
    ManualDocket m = manual(builder(2).prefetch(0));
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly("weekly"));
    at("2026-11-30T07:59:57Z");
    m.fireSchedules();
    assertThat(m.jobs().get(fireOf(t)).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(Engines.of(m.docket()).heldCount()).isZero();
  }

  /**
   * The outcomes of held fires' jobs do not block the workers when more of them wait than the
   * queue of outcomes holds: a minute's fires start at the workers' pace while the store is slow
   * to record them, and are all recorded after.
   */
  @Test
  void heldFiresStartAtTheWorkersPaceWhileTheirOutcomesWaitForTheStore() {
    int tasks = 400; // more than Engine.ACK_QUEUE (256) outcomes
    CountDownLatch outcomesMayBeStored = new CountDownLatch(1);
    ManualDocket m =
        manual(Docket.builder().store(slowOutcomes(store, outcomesMayBeStored)).workers("default", 2).messageSender(sender));
    Engine engine = Engines.of(m.docket());
    List<ScheduledTask> created = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      created.add(m.as(ALICE).scheduler().create(weekly("weekly-" + i)));
    }
    at("2026-11-30T07:59:57Z");
    int fired = 0;
    for (int got = m.fireSchedules(); got > 0; got = m.fireSchedules()) {
      fired += got;
    }
    assertThat(fired).isEqualTo(tasks);
    assertThat(engine.heldCount()).isEqualTo(tasks);

    at("2026-11-30T08:00:00Z");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              m.runDue();
              return sent.size() == tasks;
            });
    assertThat(m.jobs().get(fireOf(created.get(0))).status()).as("its outcome not stored yet").isEqualTo(JobStatus.RUNNING);

    outcomesMayBeStored.countDown();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> created.stream().allMatch(t -> m.jobs().get(fireOf(t)).status() == JobStatus.SUCCEEDED));
    assertThat(sent).hasSize(tasks);
  }

  /** {@code backing}, whose writes of outcomes wait for {@code mayGo}. */
  private static dev.docket.spi.Store slowOutcomes(InMemoryStore backing, CountDownLatch mayGo) {
    return dev.docket.testkit.InterceptedStore.of(
        backing,
        method -> {
          if (method.startsWith("complete")) {
            mayGo.await(30, TimeUnit.SECONDS);
          }
        });
  }
}
