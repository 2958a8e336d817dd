package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import dev.docket.action.MessageSender;
import dev.docket.internal.engine.Engine;
import dev.docket.internal.engine.Engines;
import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scheduled tasks through the engine's API, fired step by step on a fake clock. */
class SchedulerTest {

  /** The seed's POST body. */
  static final String SEED_ARGS =
      "{\"room_id\": \"room-…\", \"content\": {\"msgtype\": \"swp.text\", \"body\": \"Monday status check\"}}";

  record Sent(String room, JsonNode content) {}

  private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-29T12:00:00Z")); // a Sunday
  private final InMemoryStore store = new InMemoryStore();
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final MessageSender sender = (room, content) -> sent.add(new Sent(room, content));
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private static final Principal ALICE = Principal.user("alice");
  private static final Principal BOB = Principal.user("bob");
  private static final Principal ROOT = Principal.of("root", Role.ADMIN);

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Docket.Builder builder() {
    return Docket.builder().store(store).workers("default", 2).prefetch(0).messageSender(sender);
  }

  private ManualDocket manual(Docket.Builder b) {
    ManualDocket m = ManualDocket.of(b, clock);
    toClose.add(m);
    return m;
  }

  private static TaskSpec weekly() {
    return TaskSpec.builder("Weekly status update", "0 9 * * MON", "send_message")
        .timezone("Europe/Amsterdam")
        .args(SEED_ARGS)
        .build();
  }

  private void at(String instant) {
    clock.set(Instant.parse(instant));
  }

  @Test
  void theSeedsTaskIsCreatedWithItsNextRunAndPreview() {
    ManualDocket m = manual(builder());
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly());
    assertThat(t.id().value()).startsWith("tsk_");
    assertThat(t.owner()).isEqualTo("alice");
    assertThat(t.enabled()).isTrue();
    assertThat(t.nextRunAt()).contains(Instant.parse("2026-11-30T08:00:00Z")); // 09:00 CET
    assertThat(m.as(ALICE).scheduler().nextFireTimes(t.id(), 3))
        .containsExactly(
            Instant.parse("2026-11-30T08:00:00Z"),
            Instant.parse("2026-12-07T08:00:00Z"),
            Instant.parse("2026-12-14T08:00:00Z"));
    assertThat(m.as(ALICE).scheduler().list(10).items()).containsExactly(t);
  }

  @Test
  void eachFireEnqueuesOneJobThatRunsTheActionAsTheOwner() {
    ManualDocket m = manual(builder());
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly());
    at("2026-11-30T07:59:54Z"); // more than ScheduleService.FIRE_AHEAD (5 s) before 08:00
    assertThat(m.fireSchedules()).isZero();
    at("2026-11-30T07:59:56Z"); // fired ahead: enqueued ready, due at 08:00
    assertThat(m.fireSchedules()).isEqualTo(1);
    assertThat(m.fireSchedules()).isZero();
    Job job = m.as(ALICE).jobs().byCorrelation(t.id().value(), 10).items().get(0);
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.scheduledAt()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
    m.runDueAndWait();
    assertThat(sent).as("not before its time").isEmpty();
    assertThat(m.jobs().get(job.id()).status()).isEqualTo(JobStatus.QUEUED);
    at("2026-11-30T08:00:00.250Z");
    assertThat(job.function()).isEqualTo("send_message");
    assertThat(job.owner()).isEqualTo("alice");
    assertThat(job.correlationId()).contains(t.id().value());
    assertThat(job.id().value()).isEqualTo(t.id().value() + ":2026-11-30T08:00Z");
    assertThat(job.args().get("room_id").asText()).isEqualTo("room-…");

    m.runDueAndWait();
    assertThat(m.jobs().get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sent).containsExactly(new Sent("room-…", job.args().get("content")));
    ScheduledTask after = m.as(ALICE).scheduler().get(t.id());
    assertThat(after.lastRunAt()).contains(Instant.parse("2026-11-30T08:00:00Z"));
    assertThat(after.lastJobId()).contains(job.id());
    assertThat(after.lastStatus()).contains(JobStatus.SUCCEEDED);
    assertThat(after.nextRunAt()).contains(Instant.parse("2026-12-07T08:00:00Z"));
  }

  @Test
  void aFireEnqueuedAheadOfItsTimeCanBeCancelledByItsIdBeforeItRuns() {
    ManualDocket m = manual(builder());
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly());
    at("2026-11-30T07:59:58Z");
    assertThat(m.fireSchedules()).isEqualTo(1);
    JobId fire = JobId.of(t.id().value() + ":2026-11-30T08:00Z");
    m.as(ALICE).jobs().cancel(fire);
    at("2026-11-30T08:00:00.250Z");
    m.runDueAndWait();
    assertThat(sent).isEmpty();
    assertThat(m.jobs().get(fire).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(m.fireSchedules()).as("the next fire is next week's").isZero();
    assertThat(m.scheduler().get(t.id()).nextRunAt()).contains(Instant.parse("2026-12-07T08:00:00Z"));
  }

  @Test
  void theDispatcherWakesAtTheTimeOfAFireEnqueuedAhead() {
    ManualDocket m = manual(builder().pollInterval(Duration.ofSeconds(30)));
    m.scheduler().create(weekly());
    Engine engine = Engines.of(m.docket());
    at("2026-11-30T07:59:57Z");
    assertThat(m.fireSchedules()).isEqualTo(1);
    assertThat(m.runDue()).as("not due yet").isZero();
    assertThat(engine.nextDispatchWait()).isEqualTo(Duration.ofSeconds(3)); // not the 30 s poll
    at("2026-11-30T08:00:00Z");
    assertThat(engine.nextDispatchWait()).isZero();
    m.runDueAndWait();
    assertThat(sent).hasSize(1);
    assertThat(engine.nextDispatchWait()).as("the poll set at 07:59:57").isEqualTo(Duration.ofSeconds(27));
  }

  @Test
  void aNodeThatDoesNotRunTheFiresQueueFiresAtTheTimeItself() {
    ManualDocket m = manual(builder().workers("other", 1).scheduleQueue("fires"));
    ScheduledTask t = m.scheduler().create(weekly());
    at("2026-11-30T07:59:57Z");
    assertThat(m.fireSchedules()).isZero();
    at("2026-11-30T08:00:00Z");
    assertThat(m.fireSchedules()).isEqualTo(1);
    Job job = m.jobs().byCorrelation(t.id().value(), 10).items().get(0);
    assertThat(job.queue()).isEqualTo("fires");
    assertThat(job.scheduledAt()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
  }

  @Test
  void afterDowntimeAMissedWindowFiresOnceNotInABurst() {
    ManualDocket m = manual(builder());
    ScheduledTask t =
        m.scheduler().create(TaskSpec.builder("every 5 min", "*/5 * * * *", "send_message").args(SEED_ARGS).build());
    at("2026-11-29T15:42:10Z"); // 3 h 40 min of downtime: 44 fire times missed
    assertThat(m.fireSchedules()).isEqualTo(1);
    assertThat(m.fireSchedules()).isZero();
    List<Job> jobs = m.jobs().byCorrelation(t.id().value(), 100).items();
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).id().value()).endsWith(":2026-11-29T12:05Z");
    assertThat(m.scheduler().get(t.id()).nextRunAt()).contains(Instant.parse("2026-11-29T15:45:00Z"));
  }

  @Test
  void theSkipPolicyDropsAMissedWindowButNotAPunctualFire() {
    ManualDocket m = manual(builder());
    ScheduledTask t =
        m.scheduler()
            .create(
                TaskSpec.builder("every 5 min", "*/5 * * * *", "send_message")
                    .args(SEED_ARGS)
                    .misfirePolicy(MisfirePolicy.SKIP)
                    .build());
    at("2026-11-29T15:42:10Z");
    assertThat(m.fireSchedules()).isEqualTo(1); // the skip itself
    assertThat(m.jobs().byCorrelation(t.id().value(), 100).items()).isEmpty();
    assertThat(m.scheduler().get(t.id()).nextRunAt()).contains(Instant.parse("2026-11-29T15:45:00Z"));
    at("2026-11-29T15:45:20Z");
    assertThat(m.fireSchedules()).isEqualTo(1);
    assertThat(m.jobs().byCorrelation(t.id().value(), 100).items()).hasSize(1);
  }

  @Test
  void disablingStopsFiresAndReenablingComputesFromNow() {
    ManualDocket m = manual(builder());
    ScheduledTask t =
        m.scheduler().create(TaskSpec.builder("hourly", "@hourly", "send_message").args(SEED_ARGS).build());
    ScheduledTask off = m.scheduler().update(t.id(), TaskUpdate.of().enabled(false));
    assertThat(off.enabled()).isFalse();
    assertThat(off.nextRunAt()).isEmpty();
    at("2026-11-29T18:30:00Z");
    assertThat(m.fireSchedules()).isZero();
    ScheduledTask on = m.scheduler().update(t.id(), TaskUpdate.of().enabled(true));
    assertThat(on.nextRunAt()).contains(Instant.parse("2026-11-29T19:00:00Z"));
    at("2026-11-29T19:00:00Z");
    assertThat(m.fireSchedules()).isEqualTo(1);
  }

  @Test
  void changingTheScheduleOrZoneRecomputesTheNextRun() {
    ManualDocket m = manual(builder());
    ScheduledTask t = m.scheduler().create(weekly());
    ScheduledTask u = m.scheduler().update(t.id(), TaskUpdate.of().timezone("America/New_York"));
    assertThat(u.nextRunAt()).contains(Instant.parse("2026-11-30T14:00:00Z"));
    ScheduledTask v = m.scheduler().update(t.id(), TaskUpdate.of().schedule("30 7 * * *").name("daily"));
    assertThat(v.name()).isEqualTo("daily");
    assertThat(v.schedule()).isEqualTo("30 7 * * *");
    assertThat(v.nextRunAt()).contains(Instant.parse("2026-11-29T12:30:00Z")); // 07:30 EST, later today
    assertThat(v.updatedAt()).isEqualTo(clock.instant());
    ScheduledTask w = m.scheduler().update(t.id(), TaskUpdate.of().args("{\"room_id\": \"r2\", \"content\": {\"msgtype\": \"m.text\", \"body\": \"\"}}"));
    assertThat(w.nextRunAt()).isEqualTo(v.nextRunAt());
    assertThat(w.args().get("room_id").asText()).isEqualTo("r2");
  }

  @Test
  void everyBadFieldIsNamedAndNothingIsStored() {
    ManualDocket m = manual(builder());
    assertField(() -> TaskSpec.builder("x", "61 * * * *", "send_message").build(), "schedule");
    assertField(() -> TaskSpec.builder("x", "0 9 * *", "send_message").build(), "schedule");
    assertField(() -> TaskSpec.builder("x", "0 9 * * MON", "send_message").timezone("Mars/Olympus").build(), "timezone");
    assertField(() -> TaskSpec.builder(" ", "0 9 * * MON", "send_message").build(), "name");
    assertField(() -> TaskSpec.builder("x", "0 9 * * MON", "send_message").args("{nope").build(), "args");
    assertField(() -> m.scheduler().create(TaskSpec.builder("x", "0 9 * * MON", "post_tweet").build()), "action");
    assertThatThrownBy(() -> m.scheduler().create(TaskSpec.builder("x", "0 9 * * MON", "post_tweet").build()))
        .isInstanceOf(UnknownActionException.class)
        .hasMessageContaining("send_message");
    assertField(
        () -> m.scheduler().create(TaskSpec.builder("x", "0 9 * * MON", "send_message").args("{\"content\": {}}").build()),
        "args.room_id");
    assertField(() -> m.scheduler().create(TaskSpec.builder("x", "0 9 * * MON", "send_message").args("[1]").build()), "args");
    ScheduledTask t = m.scheduler().create(weekly());
    assertField(() -> m.scheduler().update(t.id(), TaskUpdate.of().args("{\"room_id\": 7}")), "args.room_id");
    assertField(() -> m.scheduler().update(t.id(), TaskUpdate.of().action("trigger_ai")), "action");
    assertField(() -> TaskUpdate.of().schedule("5/10 * * * *"), "schedule");
    assertThat(m.scheduler().get(t.id())).isEqualTo(t);
    assertThat(m.scheduler().list(10).items()).containsExactly(t);
    assertField(() -> m.scheduler().list(0), "limit");
  }

  private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void aTaskThatCannotBePlannedStopsFiringWithoutHoldingUpTheOthers() {
    ManualDocket m = manual(builder());
    ScheduledTask ok = m.scheduler().create(TaskSpec.builder("ok", "* * * * *", "send_message").args(SEED_ARGS).build());
    // a stored task whose next fire is not a whole minute cannot get a fire id
    dev.docket.spi.NewTask broken =
        new dev.docket.spi.NewTask(
            TaskId.random(), "broken", "* * * * *", java.time.ZoneId.of("UTC"), "send_message",
            ok.args(), true, MisfirePolicy.FIRE_ONCE, "system", clock.instant(),
            java.util.Optional.of(clock.instant().plusSeconds(30)));
    store.schedules().insert(broken);
    at("2026-11-29T12:01:00Z");
    assertThat(m.fireSchedules()).isEqualTo(2);
    assertThat(m.jobs().byCorrelation(ok.id().value(), 10).items()).hasSize(1);
    assertThat(m.scheduler().get(broken.id()).nextRunAt()).isEmpty();
    at("2026-11-29T12:02:00Z");
    assertThat(m.fireSchedules()).isEqualTo(1);
  }

  @Test
  void clientsCannotTakeAFiresJobId() {
    ManualDocket m = manual(builder().handler("noop", ctx -> null));
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly());
    assertField(
        () -> m.as(BOB).jobs().submit(JobRequest.builder("noop").jobId(t.id().value() + ":2026-11-30T08:00Z").build()),
        "jobId");
  }

  @Test
  void othersTasksAreNotFoundAndAdminsSeeAll() {
    ManualDocket m = manual(builder());
    ScheduledTask t = m.as(ALICE).scheduler().create(weekly());
    assertThat(m.as(BOB).scheduler().find(t.id())).isEmpty();
    assertThat(m.as(BOB).scheduler().list(10).items()).isEmpty();
    assertThatThrownBy(() -> m.as(BOB).scheduler().update(t.id(), TaskUpdate.of().enabled(false)))
        .isInstanceOf(TaskNotFoundException.class);
    assertThatThrownBy(() -> m.as(BOB).scheduler().delete(t.id())).isInstanceOf(TaskNotFoundException.class);
    assertThatThrownBy(() -> m.as(BOB).scheduler().nextFireTimes(t.id(), 1)).isInstanceOf(TaskNotFoundException.class);
    assertThat(m.as(ALICE).scheduler().get(t.id()).enabled()).isTrue();
    assertThat(m.as(ROOT).scheduler().list(10).items()).containsExactly(t);
    m.as(ROOT).scheduler().delete(t.id());
    assertThat(m.as(ALICE).scheduler().find(t.id())).isEmpty();
    assertThatThrownBy(() -> m.as(Principal.of("ghost", Role.APPROVER)).scheduler().create(weekly()))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void anActionMissingAtFireTimeFailsThatFireVisiblyAndTheSchedulerGoesOn() {
    Action flaky =
        new Action() {
          @Override
          public String name() {
            return "custom";
          }

          @Override
          public void validate(JsonNode args) {}

          @Override
          public Object run(ActionContext ctx) {
            return "ran for " + ctx.fireTime();
          }
        };
    ScheduledTask t;
    try (ManualDocket first = ManualDocket.of(builder().action(flaky), clock)) {
      t = first.scheduler().create(TaskSpec.builder("c", "* * * * *", "custom").build());
    }
    ManualDocket m = manual(builder()); // a node without the plugin
    ScheduledTask ok = m.scheduler().create(TaskSpec.builder("ok", "* * * * *", "send_message").args(SEED_ARGS).build());
    at("2026-11-29T12:01:00Z");
    assertThat(m.fireSchedules()).isEqualTo(2);
    m.runDueAndWait();
    Job failed = m.jobs().byCorrelation(t.id().value(), 10).items().get(0);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempts()).as("not retried: a retry cannot help").isEqualTo(1);
    assertThat(failed.error().orElseThrow().type()).isEqualTo(UnknownActionException.class.getName());
    assertThat(failed.error().orElseThrow().message()).contains("custom");
    assertThat(m.jobs().byCorrelation(ok.id().value(), 10).items().get(0).status()).isEqualTo(JobStatus.SUCCEEDED);
    at("2026-11-29T12:02:00Z");
    assertThat(m.fireSchedules()).isEqualTo(2);
  }

  @Test
  void aFixedTimeTaskFiresOnceOnTheSpringForwardDayAndOnceOnTheAutumnDay() {
    ManualDocket m = manual(builder());
    clock.set(Instant.parse("2027-03-27T12:00:00Z"));
    ScheduledTask t =
        m.scheduler()
            .create(TaskSpec.builder("night", "30 2 * * *", "send_message").timezone("Europe/Amsterdam").args(SEED_ARGS).build());
    // 2027-03-28 02:30 does not exist in Amsterdam: fires once, right after the gap (03:00 CEST)
    assertThat(t.nextRunAt()).contains(Instant.parse("2027-03-28T01:00:00Z"));
    List<Instant> fires = new ArrayList<>();
    for (int minute = 0; minute < 60 * 24 * 2; minute++) {
      clock.advance(Duration.ofMinutes(1));
      if (m.fireSchedules() > 0) {
        fires.add(clock.instant());
      }
    }
    assertThat(fires).containsExactly(Instant.parse("2027-03-28T01:00:00Z"), Instant.parse("2027-03-29T00:30:00Z"));
    m.scheduler().update(t.id(), TaskUpdate.of().enabled(false));
    // autumn: 02:30 happens twice on 2027-10-31; the task fires in the first pass only
    clock.set(Instant.parse("2027-10-30T12:00:00Z"));
    m.scheduler().update(t.id(), TaskUpdate.of().enabled(true));
    fires.clear();
    for (int minute = 0; minute < 60 * 24; minute++) {
      clock.advance(Duration.ofMinutes(1));
      if (m.fireSchedules() > 0) {
        fires.add(clock.instant());
      }
    }
    assertThat(fires).containsExactly(Instant.parse("2027-10-31T00:30:00Z"));
  }

  @Test
  void concurrentArgsMergePatchesOfDifferentKeysAllHold() throws Exception {
    dev.docket.action.Action anyArgs =
        new dev.docket.action.Action() {
          @Override
          public String name() {
            return "any_args";
          }

          @Override
          public void validate(JsonNode args) {}

          @Override
          public Object run(dev.docket.action.ActionContext ctx) {
            return null;
          }
        };
    ManualDocket m = manual(builder().action(anyArgs));
    ScheduledTask t = m.scheduler().create(TaskSpec.builder("patched", "@hourly", "any_args").args("{\"keep\": 1}").build());
    int writers = 8;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(writers);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int k = w;
      Thread th =
          new Thread(
              () -> {
                try {
                  together.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                for (int round = 0; round < 25; round++) {
                  m.scheduler().update(t.id(), TaskUpdate.of().mergeArgs(dev.docket.internal.json.Json.toTree(java.util.Map.of("k" + k, round))));
                }
              });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    JsonNode args = m.scheduler().get(t.id()).args();
    assertThat(args.path("keep").asInt()).isEqualTo(1);
    for (int k = 0; k < writers; k++) {
      assertThat(args.path("k" + k).asInt()).as("key k%d", k).isEqualTo(24);
    }
  }

  @Test
  void anArgsMergePatchRemovesNullKeysAndMustLeaveAnObject() {
    ManualDocket m = manual(builder());
    ScheduledTask t = m.scheduler().create(weekly());
    ScheduledTask after =
        m.scheduler().update(t.id(), TaskUpdate.of().mergeArgs(dev.docket.internal.json.Json.toTree(java.util.Map.of("content", java.util.Map.of("body", "new body")))));
    assertThat(after.args().path("content").path("body").asText()).isEqualTo("new body");
    assertThat(after.args().path("content").path("msgtype").asText()).isEqualTo("swp.text");
    assertThat(after.args().path("room_id").asText()).isEqualTo("room-…");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> m.scheduler().update(t.id(), TaskUpdate.of().mergeArgs(com.fasterxml.jackson.databind.node.IntNode.valueOf(3))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("args");
    // the failed patch changed nothing
    assertThat(m.scheduler().get(t.id()).args()).isEqualTo(after.args());
  }
}
