package dev.docket.spi.tck;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.ApprovalConflictException;
import dev.docket.ApprovalId;
import dev.docket.ApprovalRequest;
import dev.docket.ApprovalStatus;
import dev.docket.Cursor;
import dev.docket.Decision;
import dev.docket.MisfirePolicy;
import dev.docket.ScheduledTask;
import dev.docket.TaskId;
import dev.docket.IllegalJobStateException;
import dev.docket.Job;
import dev.docket.JobError;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobIdConflictException;
import dev.docket.JobStatus;
import dev.docket.NodeId;
import dev.docket.Page;
import dev.docket.QueueDepth;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.FinishedCount;
import dev.docket.spi.JobStore;
import dev.docket.spi.FirePlan;
import dev.docket.spi.Fired;
import dev.docket.spi.NewTask;
import dev.docket.spi.Decided;
import dev.docket.spi.NewApproval;
import dev.docket.spi.PendingQuery;
import dev.docket.spi.InsertResult;
import dev.docket.spi.Lease;
import dev.docket.spi.LeaseCheck;
import dev.docket.spi.NewJob;
import dev.docket.spi.NodeInfo;
import dev.docket.spi.Outcome;
import dev.docket.spi.ScheduleStore;
import dev.docket.spi.Store;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of the storage SPI. A store runs it by extending this class and implementing
 * {@link #createStore()} (and {@link #peerOf(Store)} for a second instance on the same data). Every
 * test starts from an empty store and passes explicit times, so a store under test must use the
 * times it is given (JDBC stores: the engine-clock mode).
 */
public abstract class StoreTck {

  protected static final Instant T0 = MutableClock.DEFAULT_START;
  protected static final Duration LEASE = Duration.ofSeconds(30);
  protected static final NodeId NODE_A = NodeId.of("node-a");
  protected static final NodeId NODE_B = NodeId.of("node-b");

  protected Store store;
  private final List<Store> extra = new ArrayList<>();

  /** A new, empty store. */
  protected abstract Store createStore();

  /** Another store instance over the same data as {@code store}, as a second node would have. */
  protected abstract Store peerOf(Store store);

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    extra.forEach(Store::close);
    store.close();
  }

  private Store peer() {
    Store p = peerOf(store);
    extra.add(p);
    return p;
  }

  // ------------------------------------------------------------------ helpers

  protected Job insert(NewJob job) {
    return store.jobs().insert(job, job.owner()).job();
  }

  protected List<ClaimedJob> claim(String queue, int limit, Instant now) {
    return store.jobs().claim(new ClaimRequest(NODE_A, queue, limit, now, LEASE));
  }

  protected ClaimedJob claimOne(Instant now) {
    List<ClaimedJob> c = claim("default", 1, now);
    assertThat(c).hasSize(1);
    return c.get(0);
  }

  /** Every state change in the history is one that {@link JobStatus} allows. */
  protected void assertHistoryFollowsTable(JobId id) {
    List<JobEvent> events = store.jobs().events(id);
    assertThat(events).isNotEmpty();
    assertThat(events.get(0).from()).isEmpty();
    assertThat(events.get(0).to().isInitial()).isTrue();
    JobStatus current = events.get(0).to();
    for (JobEvent e : events.subList(1, events.size())) {
      assertThat(e.from()).contains(current);
      if (e.to() != current) {
        assertThat(current.canTransitionTo(e.to()))
            .as("%s -> %s allowed by JobStatus", current, e.to())
            .isTrue();
      }
      current = e.to();
    }
    assertThat(store.jobs().find(id).orElseThrow().status()).isEqualTo(current);
  }

  // ------------------------------------------------------------------ insert and find

  @Test
  void insertedJobIsFoundWithEveryField() {
    NewJob n =
        aJob()
            .function("send-email")
            .queue("mail")
            .priority(7)
            .maxAttempts(5)
            .correlationId("order-1")
            .owner("bob")
            .timeout(Duration.ofSeconds(9))
            .backoff(dev.docket.Backoff.fixed(Duration.ofSeconds(3)))
            .args(JsonNodeFactory.instance.objectNode().put("to", "a@b.c"))
            .build();
    InsertResult r = store.jobs().insert(n, "bob");
    assertThat(r.inserted()).isTrue();
    Job j = store.jobs().find(n.id()).orElseThrow();
    assertThat(j).isEqualTo(r.job());
    assertThat(j.id()).isEqualTo(n.id());
    assertThat(j.function()).isEqualTo("send-email");
    assertThat(j.queue()).isEqualTo("mail");
    assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(j.priority()).isEqualTo(7);
    assertThat(j.args().get("to").asText()).isEqualTo("a@b.c");
    assertThat(j.result()).isEmpty();
    assertThat(j.error()).isEmpty();
    assertThat(j.attempts()).isZero();
    assertThat(j.maxAttempts()).isEqualTo(5);
    assertThat(j.correlationId()).contains("order-1");
    assertThat(j.owner()).isEqualTo("bob");
    assertThat(j.timeout()).contains(Duration.ofSeconds(9));
    assertThat(j.backoff()).contains(dev.docket.Backoff.fixed(Duration.ofSeconds(3)));
    assertThat(j.cancelRequested()).isFalse();
    assertThat(j.createdAt()).isEqualTo(T0);
    assertThat(j.scheduledAt()).isEqualTo(T0);
    assertThat(j.startedAt()).isEmpty();
    assertThat(j.finishedAt()).isEmpty();
    assertThat(j.node()).isEmpty();
    assertThat(store.jobs().events(n.id()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEmpty();
              assertThat(e.to()).isEqualTo(JobStatus.QUEUED);
              assertThat(e.by()).isEqualTo("bob");
              assertThat(e.at()).isEqualTo(T0);
            });
  }

  @Test
  void unknownIdIsNotFound() {
    assertThat(store.jobs().find(JobId.of("nope"))).isEmpty();
    assertThat(store.jobs().events(JobId.of("nope"))).isEmpty();
  }

  @Test
  void insertWithExistingIdAndSameOwnerReturnsTheExistingJob() {
    NewJob first = aJob().id("order-42").priority(1).build();
    insert(first);
    NewJob again = aJob().id("order-42").priority(9).build();
    InsertResult r = store.jobs().insert(again, "alice");
    assertThat(r.inserted()).isFalse();
    assertThat(r.job().priority()).isEqualTo(1);
    assertThat(store.jobs().events(first.id())).hasSize(1);
  }

  @Test
  void insertWithExistingIdOfAnotherOwnerConflictsAndWritesNothing() {
    insert(aJob().id("order-42").owner("alice").build());
    assertThatThrownBy(() -> store.jobs().insert(aJob().id("order-42").owner("bob").build(), "bob"))
        .isInstanceOf(JobIdConflictException.class);
    assertThat(store.jobs().find(JobId.of("order-42")).orElseThrow().owner()).isEqualTo("alice");
  }

  @Test
  void insertAllIsAllOrNothing() {
    insert(aJob().id("taken").owner("alice").build());
    List<NewJob> batch =
        List.of(
            aJob().id("b-1").owner("bob").build(),
            aJob().id("taken").owner("bob").build(),
            aJob().id("b-3").owner("bob").build());
    assertThatThrownBy(() -> store.jobs().insertAll(batch, "bob"))
        .isInstanceOf(JobIdConflictException.class);
    assertThat(store.jobs().find(JobId.of("b-1"))).isEmpty();
    assertThat(store.jobs().find(JobId.of("b-3"))).isEmpty();
  }

  @Test
  void insertAllKeepsOrderAndDeduplicatesRepeatedIds() {
    insert(aJob().id("old").build());
    List<InsertResult> r =
        store
            .jobs()
            .insertAll(
                List.of(
                    aJob().id("n-1").build(),
                    aJob().id("old").build(),
                    aJob().id("n-2").build(),
                    aJob().id("n-1").priority(5).build()),
                "alice");
    assertThat(r).extracting(x -> x.job().id().value()).containsExactly("n-1", "old", "n-2", "n-1");
    assertThat(r).extracting(InsertResult::inserted).containsExactly(true, false, true, false);
    assertThat(store.jobs().find(JobId.of("n-1")).orElseThrow().priority()).isZero();
  }

  @Test
  void largeBatchInsertsEveryJob() {
    List<NewJob> batch = IntStream.range(0, 2_000).mapToObj(i -> aJob().build()).toList();
    List<InsertResult> r = store.jobs().insertAll(batch, "alice");
    assertThat(r).allMatch(InsertResult::inserted);
    assertThat(store.jobs().depth(Optional.empty(), T0))
        .singleElement()
        .extracting(QueueDepth::queued)
        .isEqualTo(2_000L);
  }

  /**
   * A large batch of generated ids, all ready, in several statements: every field comes back
   * exactly, text that needs escaping and nulls included, and the history is the implicit one.
   */
  @Test
  void largeBatchOfFreshReadyJobsStoresEveryFieldExactly() {
    com.fasterxml.jackson.databind.node.ObjectNode awkward =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
            .objectNode()
            .put("text", "tab\there, line\nbreak, cr\r, back\\slash \\N \\. \"quoted\" ünï 🙂");
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      dev.docket.testkit.Jobs.Builder b = aJob().freshId().priority(i % 7 - 3).args(awkward.deepCopy().put("i", i));
      if (i % 2 == 0) {
        b.correlationId("corr\t" + i + "\\x").timeout(Duration.ofMillis(1_500 + i)).backoff(dev.docket.Backoff.fixed(Duration.ofSeconds(2)));
      }
      batch.add(b.function("fn\\" + (i % 3)).owner(i % 5 == 0 ? "tab\towner" : "alice").build());
    }
    List<InsertResult> r = store.jobs().insertAll(batch, "creator\nwith newline");
    assertThat(r).allMatch(InsertResult::inserted);
    for (int i = 0; i < batch.size(); i++) {
      NewJob n = batch.get(i);
      Job stored = store.jobs().find(n.id()).orElseThrow();
      assertThat(stored).isEqualTo(r.get(i).job());
      assertThat(stored.function()).isEqualTo(n.function());
      assertThat(stored.owner()).isEqualTo(n.owner());
      assertThat(stored.args()).isEqualTo(n.args());
      assertThat(stored.priority()).isEqualTo(n.priority());
      assertThat(stored.correlationId()).isEqualTo(n.correlationId());
      assertThat(stored.timeout()).isEqualTo(n.timeout());
      assertThat(stored.backoff()).isEqualTo(n.backoff());
      assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(stored.createdAt()).isEqualTo(n.createdAt());
      assertThat(stored.scheduledAt()).isEqualTo(n.scheduledAt());
    }
    assertThat(store.jobs().events(batch.get(0).id()))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.to()).isEqualTo(JobStatus.QUEUED);
          assertThat(e.by()).isEqualTo("creator\nwith newline");
        });
    assertThat(claim("default", 300, T0)).hasSize(300);
  }

  // ------------------------------------------------------------------ promotion and claiming

  @Test
  void scheduledJobIsPromotedOnlyWhenDue() {
    NewJob later = aJob().dueAt(T0.plusSeconds(60)).build();
    insert(later);
    assertThat(store.jobs().find(later.id()).orElseThrow().status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(claim("default", 10, T0.plusSeconds(120))).isEmpty();
    assertThat(store.jobs().promoteDue(T0.plusSeconds(59), 10)).isEmpty();
    assertThat(store.jobs().nextScheduledAt(Set.of("default"))).contains(T0.plusSeconds(60));
    assertThat(store.jobs().nextScheduledAt(Set.of("other"))).isEmpty();
    List<Job> promoted = store.jobs().promoteDue(T0.plusSeconds(60), 10);
    assertThat(promoted).extracting(Job::id).containsExactly(later.id());
    assertThat(promoted.get(0).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.jobs().nextScheduledAt(Set.of("default"))).isEmpty();
    assertThat(claim("default", 10, T0.plusSeconds(60))).hasSize(1);
    assertHistoryFollowsTable(later.id());
  }

  @Test
  void promotionTakesEarliestFirstAndHonoursTheLimit() {
    NewJob c = aJob().dueAt(T0.plusSeconds(30)).build();
    NewJob a = aJob().dueAt(T0.plusSeconds(10)).build();
    NewJob b = aJob().dueAt(T0.plusSeconds(20)).build();
    store.jobs().insertAll(List.of(c, a, b), "alice");
    assertThat(store.jobs().promoteDue(T0.plusSeconds(100), 2))
        .extracting(Job::id)
        .containsExactly(a.id(), b.id());
    assertThat(store.jobs().promoteDue(T0.plusSeconds(100), 2)).extracting(Job::id).containsExactly(c.id());
  }

  @Test
  void claimOrdersByPriorityThenDueTimeThenAge() {
    NewJob lowEarly = aJob().priority(0).createdAt(T0).build();
    NewJob highLate = aJob().priority(5).createdAt(T0.plusSeconds(2)).build();
    NewJob highEarly = aJob().priority(5).createdAt(T0.plusSeconds(1)).build();
    NewJob lowLate = aJob().priority(0).createdAt(T0.plusSeconds(3)).build();
    NewJob negative = aJob().priority(-3).build();
    store.jobs().insertAll(List.of(lowEarly, highLate, negative, highEarly, lowLate), "alice");
    List<ClaimedJob> claimed = claim("default", 10, T0.plusSeconds(10));
    assertThat(claimed)
        .extracting(c -> c.job().id())
        .containsExactly(highEarly.id(), highLate.id(), lowEarly.id(), lowLate.id(), negative.id());
  }

  @Test
  void aReadyJobDueLaterIsNotClaimedBeforeItsTime() {
    // how the scheduler enqueues a fire ahead of its time (ScheduleService.FIRE_AHEAD)
    NewJob fire = aJob().dueAt(T0.plusSeconds(5)).status(JobStatus.QUEUED).build();
    NewJob now = aJob().build();
    store.jobs().insertAll(List.of(fire, now), "system");
    assertThat(claim("default", 10, T0.plusSeconds(4))).extracting(c -> c.job().id()).containsExactly(now.id());
    assertThat(claim("default", 10, T0.plusSeconds(5))).extracting(c -> c.job().id()).containsExactly(fire.id());
  }

  @Test
  void claimHonoursLimitAndQueue() {
    for (int i = 0; i < 5; i++) {
      insert(aJob().queue("mail").build());
    }
    insert(aJob().queue("other").build());
    assertThat(claim("mail", 3, T0)).hasSize(3).allMatch(c -> c.job().queue().equals("mail"));
    assertThat(claim("mail", 3, T0)).hasSize(2);
    assertThat(claim("mail", 3, T0)).isEmpty();
    assertThat(claim("nothing-here", 3, T0)).isEmpty();
    assertThat(claim("other", 3, T0)).hasSize(1);
  }

  @Test
  void claimStartsAnAttemptUnderAFreshLease() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0.plusSeconds(1));
    Job j = c.job();
    assertThat(j.id()).isEqualTo(n.id());
    assertThat(j.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(j.attempts()).isEqualTo(1);
    assertThat(j.startedAt()).contains(T0.plusSeconds(1));
    assertThat(j.node()).contains(NODE_A);
    assertThat(c.lease().jobId()).isEqualTo(n.id());
    assertThat(c.lease().node()).isEqualTo(NODE_A);
    assertThat(c.lease().token()).isNotBlank();
    assertThat(c.lease().expiresAt()).isAfter(T0);
    assertThat(store.jobs().find(n.id()).orElseThrow()).isEqualTo(j);
    assertThat(claim("default", 5, T0.plusSeconds(1))).isEmpty();
  }

  @Test
  void insertAllAndClaimStoresTheBatchThenClaimsInClaimOrder() {
    NewJob older = aJob().priority(5).createdAt(T0).build();
    insert(older);
    NewJob a = aJob().createdAt(T0.plusSeconds(1)).build();
    NewJob b = aJob().createdAt(T0.plusSeconds(2)).build();
    NewJob other = aJob().queue("mail").createdAt(T0.plusSeconds(3)).build();

    JobStore.InsertedAndClaimed r =
        store.jobs().insertAllAndClaim(List.of(a, b, other), "alice", new ClaimRequest(NODE_A, "default", 2, T0.plusSeconds(5), LEASE));

    assertThat(r.inserted()).extracting(InsertResult::inserted).containsExactly(true, true, true);
    // the claim follows claim(): the older, higher-priority job first, then the oldest new one
    assertThat(r.claimed()).extracting(c -> c.job().id()).containsExactly(older.id(), a.id());
    for (ClaimedJob c : r.claimed()) {
      assertThat(c.job().status()).isEqualTo(JobStatus.RUNNING);
      assertThat(c.lease().token()).isNotBlank();
      assertThat(store.jobs().find(c.job().id()).orElseThrow()).isEqualTo(c.job());
    }
    assertThat(store.jobs().find(b.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.jobs().find(other.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertHistoryFollowsTable(a.id());
    assertThat(store.jobs().events(a.id())).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING);
    assertThat(claim("default", 5, T0.plusSeconds(5))).extracting(c -> c.job().id()).containsExactly(b.id());
  }

  /**
   * A batch into a queue with no ready job: what the claim takes of it is exactly what an insert
   * and then a claim would take, in the claim's order, stored exactly as they would store it.
   */
  @Test
  void insertAllAndClaimOfABatchIntoAnEmptyQueueStoresWhatAnInsertAndAClaimStore() {
    Instant at = T0.plusSeconds(5);
    List<NewJob> viaTwo = new ArrayList<>();
    List<NewJob> viaOne = new ArrayList<>();
    int[] priorities = {0, 7, 0, 3, 7, 0};
    for (int i = 0; i < priorities.length; i++) {
      viaTwo.add(aJob().id("two-" + i).priority(priorities[i]).createdAt(T0).build());
      viaOne.add(aJob().id("one-" + i).queue("other").priority(priorities[i]).createdAt(T0).build());
    }
    viaOne.add(aJob().id("one-mail").queue("mail").createdAt(T0).build());
    viaOne.add(aJob().id("one-later").queue("other").createdAt(T0).dueAt(T0.plusSeconds(60)).build());
    store.jobs().insertAll(viaTwo, "alice");
    List<ClaimedJob> two = store.jobs().claim(new ClaimRequest(NODE_A, "default", 4, at, LEASE));

    JobStore.InsertedAndClaimed r =
        store.jobs().insertAllAndClaim(viaOne, "alice", new ClaimRequest(NODE_A, "other", 4, at, LEASE));

    assertThat(r.inserted()).hasSize(8).allSatisfy(i -> {
      assertThat(i.inserted()).isTrue();
      assertThat(i.job().attempts()).as("reported as created").isZero();
    });
    // the claim's order: priority, then due time, creation and id
    assertThat(r.claimed()).extracting(c -> c.job().id().value()).containsExactly("one-1", "one-4", "one-3", "one-0");
    assertThat(two).extracting(c -> c.job().id().value()).containsExactly("two-1", "two-4", "two-3", "two-0");
    for (int k = 0; k < 4; k++) {
      ClaimedJob one = r.claimed().get(k);
      ClaimedJob other = two.get(k);
      Job stored = store.jobs().find(one.job().id()).orElseThrow();
      assertThat(stored).isEqualTo(one.job());
      assertThat(stored.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(stored.attempts()).isEqualTo(other.job().attempts()).isEqualTo(1);
      assertThat(stored.startedAt()).isEqualTo(other.job().startedAt());
      assertThat(stored.node()).isEqualTo(other.job().node());
      assertThat(one.lease().expiresAt()).isEqualTo(other.lease().expiresAt());
      assertThat(one.lease().token()).isNotBlank();
      assertThat(store.jobs().events(one.job().id()))
          .usingRecursiveFieldByFieldElementComparatorIgnoringFields("jobId")
          .isEqualTo(store.jobs().events(other.job().id()));
      assertHistoryFollowsTable(one.job().id());
      // its lease is a lease like any other
      assertThat(store.jobs().complete(one.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), at))
          .hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
    }
    assertThat(store.jobs().find(JobId.of("one-2")).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.jobs().find(JobId.of("one-mail")).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.jobs().find(JobId.of("one-later")).orElseThrow().status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(claim("other", 10, at)).extracting(c -> c.job().id().value()).containsExactly("one-2", "one-5");
  }

  @Test
  void insertAllAndClaimOfOneJobIntoAnEmptyQueueStoresWhatAnInsertAndAClaimStore() {
    NewJob viaTwo = aJob().id("via-two").createdAt(T0).build();
    insert(viaTwo);
    ClaimedJob two = claimOne(T0.plusSeconds(1));
    NewJob viaOne = aJob().id("via-one").createdAt(T0).build();

    JobStore.InsertedAndClaimed r =
        store.jobs().insertAllAndClaim(List.of(viaOne), viaOne.owner(), new ClaimRequest(NODE_A, "default", 2, T0.plusSeconds(1), LEASE));

    assertThat(r.inserted()).singleElement().satisfies(i -> {
      assertThat(i.inserted()).isTrue();
      assertThat(i.job().status()).isEqualTo(JobStatus.QUEUED);
    });
    ClaimedJob one = r.claimed().get(0);
    assertThat(r.claimed()).hasSize(1);
    assertThat(one.job().id()).isEqualTo(viaOne.id());
    assertThat(one.lease().token()).isNotBlank().isNotEqualTo(two.lease().token());
    assertThat(one.lease().expiresAt()).isEqualTo(two.lease().expiresAt());
    Job stored = store.jobs().find(viaOne.id()).orElseThrow();
    assertThat(stored).isEqualTo(one.job());
    Job other = store.jobs().find(viaTwo.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(stored.attempts()).isEqualTo(other.attempts()).isEqualTo(1);
    assertThat(stored.startedAt()).isEqualTo(other.startedAt());
    assertThat(stored.node()).isEqualTo(other.node());
    assertThat(stored.createdAt()).isEqualTo(other.createdAt());
    assertThat(stored.scheduledAt()).isEqualTo(other.scheduledAt());
    assertThat(store.jobs().events(viaOne.id()))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("jobId")
        .isEqualTo(store.jobs().events(viaTwo.id()));
    assertHistoryFollowsTable(viaOne.id());
    // its lease is a lease like any other
    assertThat(store.jobs().complete(one.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(2)))
        .hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
  }

  @Test
  void insertAllAndClaimOfOneJobLetsTheReadyJobsAlreadyThereGoFirst() {
    NewJob older = aJob().createdAt(T0).build();
    insert(older);
    NewJob mine = aJob().createdAt(T0.plusSeconds(1)).build();

    JobStore.InsertedAndClaimed r =
        store.jobs().insertAllAndClaim(List.of(mine), "system", new ClaimRequest(NODE_A, "default", 1, T0.plusSeconds(2), LEASE));

    assertThat(r.claimed()).extracting(c -> c.job().id()).containsExactly(older.id());
    assertThat(store.jobs().find(mine.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertHistoryFollowsTable(mine.id());

    NewJob third = aJob().createdAt(T0.plusSeconds(3)).build();
    JobStore.InsertedAndClaimed r2 =
        store.jobs().insertAllAndClaim(List.of(third), "system", new ClaimRequest(NODE_A, "default", 2, T0.plusSeconds(4), LEASE));
    assertThat(r2.claimed()).extracting(c -> c.job().id()).containsExactly(mine.id(), third.id());
  }

  @Test
  void insertAllAndClaimOfOneJobWithAnExistingId() {
    insert(aJob().id("taken").owner("bob").build());
    assertThatThrownBy(
            () -> store.jobs().insertAllAndClaim(
                List.of(aJob().id("taken").owner("alice").build()), "alice", new ClaimRequest(NODE_A, "default", 4, T0, LEASE)))
        .isInstanceOf(dev.docket.JobIdConflictException.class);
    assertThat(store.jobs().find(JobId.of("taken")).orElseThrow().owner()).isEqualTo("bob");

    // the same owner's resubmit stores nothing new; the claim still takes the waiting job
    JobStore.InsertedAndClaimed again =
        store.jobs().insertAllAndClaim(
            List.of(aJob().id("taken").owner("bob").build()), "bob", new ClaimRequest(NODE_A, "default", 4, T0, LEASE));
    assertThat(again.inserted()).singleElement().satisfies(i -> {
      assertThat(i.inserted()).isFalse();
      assertThat(i.job().owner()).isEqualTo("bob");
    });
    assertThat(again.claimed()).extracting(c -> c.job().id()).containsExactly(JobId.of("taken"));
  }

  @Test
  void insertAllAndClaimTakesNothingFromAPausedQueueAndStillStoresTheJobs() {
    store.admin().setPaused("default", true, "root", T0);
    NewJob a = aJob().build();

    JobStore.InsertedAndClaimed r =
        store.jobs().insertAllAndClaim(List.of(a), "alice", new ClaimRequest(NODE_A, "default", 4, T0, LEASE));

    assertThat(r.claimed()).isEmpty();
    assertThat(store.jobs().find(a.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void insertAllAndClaimWithAnExistingIdOfAnotherOwnerWritesNothing() {
    insert(aJob().id("taken").owner("bob").build());
    NewJob mine = aJob().owner("alice").build();
    NewJob clash = aJob().id("taken").owner("alice").build();

    assertThatThrownBy(
            () -> store.jobs().insertAllAndClaim(List.of(mine, clash), "alice", new ClaimRequest(NODE_A, "default", 4, T0, LEASE)))
        .isInstanceOf(dev.docket.JobIdConflictException.class);
    assertThat(store.jobs().find(mine.id())).isEmpty();
    assertThat(store.jobs().find(JobId.of("taken")).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void aFreshIdIsStoredLikeAnyOther() {
    NewJob n = aJob().freshId().build();
    assertThat(store.jobs().insertAll(List.of(n), "alice")).extracting(InsertResult::inserted).containsExactly(true);
    assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  private NewJob insertAndGetNew() {
    NewJob n = aJob().build();
    insert(n);
    return n;
  }

  // ------------------------------------------------------------------ completing

  @Test
  void successStoresTheResultAndEndsTheLease() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    Job done =
        store
            .jobs()
            .complete(
                c.lease(),
                new Outcome.Succeeded(JsonNodeFactory.instance.objectNode().put("ok", true)),
                T0.plusSeconds(2))
            .orElseThrow();
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.result().orElseThrow().get("ok").asBoolean()).isTrue();
    assertThat(done.finishedAt()).contains(T0.plusSeconds(2));
    assertThat(done.node()).isEmpty();
    assertThat(store.jobs().find(n.id()).orElseThrow()).isEqualTo(done);
    assertThat(store.jobs().complete(c.lease(), new Outcome.Failed(JobError.of("x", "y")), T0))
        .isEmpty();
    assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void failureStoresTheError() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    JobError error = new JobError("java.io.IOException", "disk full", "at x.y(Z.java:1)");
    Job failed = store.jobs().complete(c.lease(), new Outcome.Failed(error), T0.plusSeconds(1)).orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error()).contains(error);
    assertThat(failed.finishedAt()).contains(T0.plusSeconds(1));
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void retryLaterSchedulesTheNextAttempt() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    JobError error = JobError.of("boom", "first try");
    Job waiting =
        store
            .jobs()
            .complete(c.lease(), new Outcome.RetryLater(error, T0.plusSeconds(5)), T0.plusSeconds(1))
            .orElseThrow();
    assertThat(waiting.status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(waiting.scheduledAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(waiting.error()).contains(error);
    assertThat(waiting.finishedAt()).isEmpty();
    assertThat(store.jobs().promoteDue(T0.plusSeconds(4), 10)).isEmpty();
    assertThat(store.jobs().promoteDue(T0.plusSeconds(5), 10)).hasSize(1);
    ClaimedJob second = claimOne(T0.plusSeconds(5));
    assertThat(second.job().attempts()).isEqualTo(2);
    assertThat(second.lease().token()).isNotEqualTo(c.lease().token());
    assertThat(
            store
                .jobs()
                .complete(second.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(6))
                .orElseThrow()
                .status())
        .isEqualTo(JobStatus.SUCCEEDED);
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void releasedJobReturnsToTheQueueWithItsAttemptGivenBack() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    Job back = store.jobs().complete(c.lease(), new Outcome.Released("shutdown"), T0).orElseThrow();
    assertThat(back.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(back.attempts()).isZero();
    assertThat(claimOne(T0).job().attempts()).isEqualTo(1);
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void releasedJobWithAPendingCancelIsCancelledNotQueuedAgain() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    store.jobs().requestCancel(n.id(), T0, "alice");
    Job after = store.jobs().complete(c.lease(), new Outcome.Released("shutdown"), T0.plusSeconds(1)).orElseThrow();
    assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(after.finishedAt()).contains(T0.plusSeconds(1));
    assertThat(claim("default", 5, T0.plusSeconds(2))).isEmpty();
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void errorTextWithNulCharactersIsStored() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    Job failed =
        store.jobs()
            .complete(c.lease(), new Outcome.Failed(new JobError("x.Bad", "bad \u0000 header", "at \u0000")), T0)
            .orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error().orElseThrow().message()).startsWith("bad ").endsWith(" header");
  }

  @Test
  void writeWithAStaleOrForeignTokenChangesNothing() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    Lease forged = new Lease(n.id(), NODE_A, "not-the-token", c.lease().expiresAt());
    assertThat(store.jobs().complete(forged, new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0))
        .isEmpty();
    Lease other = new Lease(JobId.of("other"), NODE_A, c.lease().token(), c.lease().expiresAt());
    assertThat(store.jobs().complete(other, new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0))
        .isEmpty();
    assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  // ------------------------------------------------------------------ leases

  @Test
  void extendingLeasesReportsHeldJobsAndCancelRequests() {
    insert(aJob().id("a1").build());
    insert(aJob().id("a2").build());
    insert(aJob().id("b1").build());
    List<ClaimedJob> mine = claim("default", 2, T0);
    List<ClaimedJob> theirs = store.jobs().claim(new ClaimRequest(NODE_B, "default", 1, T0, LEASE));
    assertThat(theirs).hasSize(1);
    store.jobs().requestCancel(mine.get(0).job().id(), T0, "alice");

    Set<JobId> mineIds = mine.stream().map(c -> c.job().id()).collect(Collectors.toSet());
    Set<JobId> asked = new HashSet<>(mineIds);
    asked.add(theirs.get(0).job().id()); // not A's: neither extended nor reported
    asked.add(JobId.of("unknown"));
    LeaseCheck check = store.jobs().extendLeases(NODE_A, asked, T0.plusSeconds(20), LEASE);
    assertThat(check.held()).containsExactlyInAnyOrderElementsOf(mineIds);
    assertThat(check.cancelRequested()).containsExactly(mine.get(0).job().id());

    // A's leases now run to T0+50s; B's still end at T0+30s.
    List<Job> reclaimed = store.jobs().reclaimExpired(T0.plusSeconds(40), 100);
    assertThat(reclaimed).extracting(Job::id).containsExactly(theirs.get(0).job().id());
    assertThat(store.jobs().extendLeases(NODE_B, Set.of(theirs.get(0).job().id()), T0.plusSeconds(41), LEASE).held())
        .isEmpty();
  }

  @Test
  void leasesNotNamedByTheNodeAreNotExtendedEvenUnderItsId() {
    // a node restarted with the same id must not keep its dead predecessor's jobs alive
    NewJob orphan = insertAndGetNew();
    claimOne(T0);
    assertThat(store.jobs().extendLeases(NODE_A, Set.of(), T0.plusSeconds(20), LEASE).held()).isEmpty();
    assertThat(store.jobs().reclaimExpired(T0.plusSeconds(31), 10)).extracting(Job::id).containsExactly(orphan.id());
  }

  @Test
  void expiredLeaseReturnsTheJobToTheQueueWithTheAttemptCounted() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    assertThat(store.jobs().reclaimExpired(T0.plus(LEASE), 100)).isEmpty();
    List<Job> reclaimed = store.jobs().reclaimExpired(T0.plus(LEASE).plusSeconds(1), 100);
    assertThat(reclaimed).singleElement().satisfies(j -> {
      assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(j.attempts()).isEqualTo(1);
      assertThat(j.node()).isEmpty();
    });
    // the old node can no longer write
    assertThat(store.jobs().complete(c.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0))
        .isEmpty();
    ClaimedJob again = store.jobs().claim(new ClaimRequest(NODE_B, "default", 1, T0.plusSeconds(40), LEASE)).get(0);
    assertThat(again.job().attempts()).isEqualTo(2);
    assertThat(again.job().node()).contains(NODE_B);
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void expiredLeaseOnTheLastAttemptFailsTheJob() {
    NewJob n = aJob().maxAttempts(1).build();
    insert(n);
    claimOne(T0);
    List<Job> reclaimed = store.jobs().reclaimExpired(T0.plusSeconds(31), 100);
    assertThat(reclaimed).singleElement().satisfies(j -> {
      assertThat(j.status()).isEqualTo(JobStatus.FAILED);
      assertThat(j.error().orElseThrow().type()).isEqualTo(JobError.LEASE_EXPIRED);
      assertThat(j.finishedAt()).isPresent();
    });
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void expiredLeaseOfACancelRequestedJobCancelsIt() {
    NewJob n = insertAndGetNew();
    claimOne(T0);
    store.jobs().requestCancel(n.id(), T0, "alice");
    assertThat(store.jobs().reclaimExpired(T0.plusSeconds(31), 100))
        .singleElement()
        .extracting(Job::status)
        .isEqualTo(JobStatus.CANCELLED);
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void reclaimHonoursItsLimit() {
    for (int i = 0; i < 5; i++) {
      insert(aJob().build());
    }
    claim("default", 5, T0);
    assertThat(store.jobs().reclaimExpired(T0.plusSeconds(31), 3)).hasSize(3);
    assertThat(store.jobs().reclaimExpired(T0.plusSeconds(31), 3)).hasSize(2);
  }

  // ------------------------------------------------------------------ cancel and retry

  @Test
  void cancellingAWaitingJobEndsIt() {
    NewJob queued = insertAndGetNew();
    NewJob scheduled = aJob().dueAt(T0.plusSeconds(60)).build();
    insert(scheduled);
    for (NewJob n : List.of(queued, scheduled)) {
      Job c = store.jobs().requestCancel(n.id(), T0.plusSeconds(1), "alice").orElseThrow();
      assertThat(c.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(c.finishedAt()).contains(T0.plusSeconds(1));
      assertThat(store.jobs().events(n.id()).get(1).by()).isEqualTo("alice");
      assertHistoryFollowsTable(n.id());
    }
    assertThat(claim("default", 10, T0.plusSeconds(100))).isEmpty();
    assertThat(store.jobs().promoteDue(T0.plusSeconds(100), 10)).isEmpty();
  }

  @Test
  void cancellingARunningJobOnlyFlagsIt() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    Job flagged = store.jobs().requestCancel(n.id(), T0, "alice").orElseThrow();
    assertThat(flagged.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(flagged.cancelRequested()).isTrue();
    // asking twice changes nothing more
    assertThat(store.jobs().requestCancel(n.id(), T0, "alice").orElseThrow().cancelRequested()).isTrue();
    assertThat(store.jobs().events(n.id()).stream().filter(e -> e.detail().contains("cancel"))).hasSize(1);
    Job cancelled = store.jobs().complete(c.lease(), new Outcome.Cancelled("stopped"), T0).orElseThrow();
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertHistoryFollowsTable(n.id());
  }

  @Test
  void cancellingAFinishedJobIsAnIllegalTransition() {
    NewJob n = insertAndGetNew();
    ClaimedJob c = claimOne(T0);
    store.jobs().complete(c.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0);
    assertThatThrownBy(() -> store.jobs().requestCancel(n.id(), T0, "alice"))
        .isInstanceOfSatisfying(
            IllegalJobStateException.class,
            e -> {
              assertThat(e.from()).isEqualTo(JobStatus.SUCCEEDED);
              assertThat(e.to()).isEqualTo(JobStatus.CANCELLED);
            });
    assertThat(store.jobs().requestCancel(JobId.of("missing"), T0, "alice")).isEmpty();
  }

  @Test
  void retryBringsBackFailedAndCancelledJobsWithFreshAttempts() {
    NewJob failed = aJob().maxAttempts(1).build();
    insert(failed);
    ClaimedJob c = claimOne(T0);
    store.jobs().complete(c.lease(), new Outcome.Failed(JobError.of("x", "y")), T0);
    NewJob cancelled = insertAndGetNew();
    store.jobs().requestCancel(cancelled.id(), T0, "alice");

    for (NewJob n : List.of(failed, cancelled)) {
      Job r = store.jobs().retry(n.id(), T0.plusSeconds(9), "alice").orElseThrow();
      assertThat(r.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(r.attempts()).isZero();
      assertThat(r.error()).isEmpty();
      assertThat(r.finishedAt()).isEmpty();
      assertThat(r.scheduledAt()).isEqualTo(T0.plusSeconds(9));
      assertHistoryFollowsTable(n.id());
    }
    assertThat(claim("default", 10, T0.plusSeconds(9))).hasSize(2);
  }

  @Test
  void retryFromAnyOtherStateIsAnIllegalTransition() {
    NewJob n = insertAndGetNew();
    assertThatThrownBy(() -> store.jobs().retry(n.id(), T0, "alice"))
        .isInstanceOf(IllegalJobStateException.class);
    ClaimedJob c = claimOne(T0);
    assertThatThrownBy(() -> store.jobs().retry(n.id(), T0, "alice"))
        .isInstanceOf(IllegalJobStateException.class);
    store.jobs().complete(c.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0);
    assertThatThrownBy(() -> store.jobs().retry(n.id(), T0, "alice"))
        .isInstanceOf(IllegalJobStateException.class);
    assertThat(store.jobs().retry(JobId.of("missing"), T0, "alice")).isEmpty();
  }

  // ------------------------------------------------------------------ list, depth, events

  @Test
  void listIsNewestFirstAndCursorPagesSeeEveryJobOnce() {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      NewJob n = aJob().createdAt(T0.plusMillis(i / 3)).build(); // ties on createdAt
      insert(n);
      ids.add(n.id());
    }
    List<JobId> seen = new ArrayList<>();
    Page<Job> page = store.jobs().list(JobFilter.all(), Optional.empty(), 5);
    int pages = 1;
    seen.addAll(page.items().stream().map(Job::id).toList());
    while (page.next().isPresent()) {
      page = store.jobs().list(JobFilter.all(), page.next(), 5);
      seen.addAll(page.items().stream().map(Job::id).toList());
      pages++;
    }
    assertThat(pages).isEqualTo(5);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    List<Job> all = store.jobs().list(JobFilter.all(), Optional.empty(), 100).items();
    for (int i = 1; i < all.size(); i++) {
      Job a = all.get(i - 1);
      Job b = all.get(i);
      assertThat(a.createdAt().isAfter(b.createdAt())
              || (a.createdAt().equals(b.createdAt()) && a.id().compareTo(b.id()) > 0))
          .as("newest first at %d", i)
          .isTrue();
    }
  }

  @Test
  void exactlyFullLastPageHasNoNextCursor() {
    for (int i = 0; i < 4; i++) {
      insert(aJob().build());
    }
    Page<Job> p = store.jobs().list(JobFilter.all(), Optional.empty(), 4);
    assertThat(p.items()).hasSize(4);
    assertThat(p.next()).isEmpty();
  }

  @Test
  void listFiltersByStatusQueueFunctionCorrelationAndOwner() {
    insert(aJob().id("a").queue("mail").function("send").owner("alice").correlationId("c1").build());
    insert(aJob().id("b").queue("mail").function("send").owner("bob").correlationId("c1").build());
    insert(aJob().id("c").queue("pdf").function("render").owner("alice").build());
    insert(aJob().id("d").queue("pdf").function("render").owner("alice").dueAt(T0.plusSeconds(5)).build());
    assertThat(ids(JobFilter.all().queue("mail"))).containsExactlyInAnyOrder("a", "b");
    assertThat(ids(JobFilter.all().function("render"))).containsExactlyInAnyOrder("c", "d");
    assertThat(ids(JobFilter.all().correlationId("c1"))).containsExactlyInAnyOrder("a", "b");
    assertThat(ids(JobFilter.all().owner("alice"))).containsExactlyInAnyOrder("a", "c", "d");
    assertThat(ids(JobFilter.all().status(JobStatus.SCHEDULED))).containsExactly("d");
    assertThat(ids(JobFilter.all().status(JobStatus.SCHEDULED, JobStatus.QUEUED).owner("bob")))
        .containsExactly("b");
    assertThat(ids(JobFilter.all().queue("pdf").owner("bob"))).isEmpty();
    assertThat(ids(JobFilter.all().correlationId("nope"))).isEmpty();
  }

  /** Every way a job is stored lists it under its correlation id, alone or with the other filters. */
  @Test
  void everyInsertPathListsTheJobUnderItsCorrelationId() {
    store.jobs().insertAll(
        List.of(
            aJob().id("b1").correlationId("c1").createdAt(T0.plusSeconds(1)).build(),
            aJob().id("b2").createdAt(T0.plusSeconds(2)).build(),
            aJob().id("b3").correlationId("c1").createdAt(T0.plusSeconds(3)).dueAt(T0.plusSeconds(60)).build(),
            aJob().id("b4").correlationId("c2").createdAt(T0.plusSeconds(4)).build()),
        "alice");
    insert(aJob().id("b5").owner("bob").correlationId("c1").createdAt(T0.plusSeconds(7)).build());
    store.jobs().insertAllAndClaim(
        List.of(aJob().id("one").queue("solo").correlationId("c1").createdAt(T0.plusSeconds(5)).build()),
        "alice",
        new ClaimRequest(NODE_A, "solo", 1, T0.plusSeconds(5), LEASE));
    store.jobs().insertAllAndClaim(
        List.of(
            aJob().id("m1").queue("many").correlationId("c1").createdAt(T0.plusSeconds(6)).build(),
            aJob().id("m2").queue("many").correlationId("c2").createdAt(T0.plusSeconds(6)).build()),
        "alice",
        new ClaimRequest(NODE_A, "many", 1, T0.plusSeconds(6), LEASE));

    assertThat(pagedIds(JobFilter.all().correlationId("c1"))).containsExactly("b5", "m1", "one", "b3", "b1");
    assertThat(pagedIds(JobFilter.all().correlationId("c2"))).containsExactly("m2", "b4");
    assertThat(pagedIds(JobFilter.all().correlationId("c1").owner("bob"))).containsExactly("b5");
    assertThat(pagedIds(JobFilter.all().correlationId("c1").status(JobStatus.SCHEDULED))).containsExactly("b3");
    assertThat(pagedIds(JobFilter.all().correlationId("c1").queue("solo"))).containsExactly("one");
    assertThat(pagedIds(JobFilter.all().correlationId("c2").function("nope"))).isEmpty();
  }

  /** The ids of every page of two, in list order. */
  private List<String> pagedIds(JobFilter f) {
    List<String> out = new ArrayList<>();
    Optional<Cursor> after = Optional.empty();
    do {
      Page<Job> p = store.jobs().list(f, after, 2);
      p.items().forEach(j -> out.add(j.id().value()));
      after = p.next();
    } while (after.isPresent());
    return out;
  }

  private List<String> ids(JobFilter f) {
    return store.jobs().list(f, Optional.empty(), 500).items().stream().map(j -> j.id().value()).toList();
  }

  @Test
  void filteredCursorPagesSeeEveryMatchOnce() {
    for (int i = 0; i < 30; i++) {
      insert(aJob().queue(i % 3 == 0 ? "keep" : "skip").createdAt(T0.plusSeconds(i)).build());
    }
    Set<JobId> seen = new HashSet<>();
    Optional<Cursor> cursor = Optional.empty();
    do {
      Page<Job> p = store.jobs().list(JobFilter.all().queue("keep"), cursor, 3);
      p.items().forEach(j -> assertThat(seen.add(j.id())).isTrue());
      cursor = p.next();
    } while (cursor.isPresent());
    assertThat(seen).hasSize(10);
  }

  @Test
  void depthCountsUnfinishedJobsPerQueueAndOwner() {
    insert(aJob().queue("mail").owner("alice").createdAt(T0).build());
    insert(aJob().queue("mail").owner("bob").createdAt(T0.plusSeconds(10)).build());
    insert(aJob().queue("mail").owner("alice").dueAt(T0.plusSeconds(100)).build());
    insert(aJob().queue("pdf").owner("alice").build());
    NewJob done = aJob().queue("pdf").owner("alice").build();
    insert(done);
    ClaimedJob c = store.jobs().claim(new ClaimRequest(NODE_A, "pdf", 2, T0, LEASE)).get(0);
    store.jobs().complete(c.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0);
    store.jobs().claim(new ClaimRequest(NODE_A, "pdf", 1, T0, LEASE));

    Map<String, QueueDepth> all =
        store.jobs().depth(Optional.empty(), T0.plusSeconds(30)).stream()
            .collect(Collectors.toMap(QueueDepth::queue, d -> d));
    assertThat(all.keySet()).containsExactlyInAnyOrder("mail", "pdf");
    QueueDepth mail = all.get("mail");
    assertThat(mail.queued()).isEqualTo(2);
    assertThat(mail.scheduled()).isEqualTo(1);
    assertThat(mail.running()).isZero();
    assertThat(mail.oldestQueuedAge()).contains(Duration.ofSeconds(30));
    QueueDepth pdf = all.get("pdf");
    assertThat(pdf.running()).isEqualTo(1);
    assertThat(pdf.queued()).isZero();
    assertThat(pdf.oldestQueuedAge()).isEmpty();

    Map<String, QueueDepth> bobs =
        store.jobs().depth(Optional.of("bob"), T0.plusSeconds(30)).stream()
            .collect(Collectors.toMap(QueueDepth::queue, d -> d));
    assertThat(bobs.keySet()).containsExactly("mail");
    assertThat(bobs.get("mail").queued()).isEqualTo(1);
    assertThat(bobs.get("mail").oldestQueuedAge()).contains(Duration.ofSeconds(20));
  }

  @Test
  void historyRecordsEveryTransitionInOrder() {
    NewJob n = aJob().dueAt(T0.plusSeconds(1)).build();
    insert(n);
    store.jobs().promoteDue(T0.plusSeconds(1), 10);
    ClaimedJob c = claimOne(T0.plusSeconds(2));
    store.jobs().complete(c.lease(), new Outcome.RetryLater(JobError.of("e", "m"), T0.plusSeconds(3)), T0.plusSeconds(2));
    store.jobs().promoteDue(T0.plusSeconds(3), 10);
    ClaimedJob c2 = claimOne(T0.plusSeconds(3));
    store.jobs().complete(c2.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(4));
    List<JobEvent> events = store.jobs().events(n.id());
    assertThat(events)
        .extracting(JobEvent::to)
        .containsExactly(
            JobStatus.SCHEDULED,
            JobStatus.QUEUED,
            JobStatus.RUNNING,
            JobStatus.SCHEDULED,
            JobStatus.QUEUED,
            JobStatus.RUNNING,
            JobStatus.SUCCEEDED);
    assertThat(events).extracting(JobEvent::at).isSorted();
    assertThat(events.get(3).detail()).contains("e");
    assertThat(events.subList(1, events.size())).allMatch(e -> e.by().equals("system"));
    assertHistoryFollowsTable(n.id());
  }

  // ------------------------------------------------------------------ nodes

  @Test
  void nodeRegistryTracksHeartbeatsAndRemovals() {
    store.nodes().register(new NodeInfo(NODE_B, T0, T0, 0, 4));
    store.nodes().register(new NodeInfo(NODE_A, T0, T0, 0, 2));
    store.nodes().heartbeat(NODE_A, T0.plusSeconds(5), 1, 2);
    List<NodeInfo> nodes = store.nodes().list();
    assertThat(nodes).extracting(NodeInfo::id).containsExactly(NODE_A, NODE_B);
    assertThat(nodes.get(0).lastHeartbeatAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(nodes.get(0).startedAt()).isEqualTo(T0);
    assertThat(nodes.get(0).busy()).isEqualTo(1);
    store.nodes().remove(NODE_A);
    store.nodes().remove(NodeId.of("never-there"));
    assertThat(store.nodes().list()).extracting(NodeInfo::id).containsExactly(NODE_B);
    store.nodes().heartbeat(NODE_A, T0.plusSeconds(9), 0, 2);
    assertThat(store.nodes().list()).extracting(NodeInfo::id).containsExactly(NODE_A, NODE_B);
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void manyThreadsClaimingNeverShareAJobAndLoseNone() throws Exception {
    int jobs = 600;
    store.jobs().insertAll(IntStream.range(0, jobs).mapToObj(i -> aJob().build()).toList(), "alice");
    Set<JobId> claimed = claimConcurrently(List.of(store, store, store, store, store, store, store, store), jobs);
    assertThat(claimed).hasSize(jobs);
  }

  @Test
  void twoStoreInstancesClaimingAtOnceNeverShareAJob() throws Exception {
    int jobs = 600;
    store.jobs().insertAll(IntStream.range(0, jobs).mapToObj(i -> aJob().build()).toList(), "alice");
    Store other = peer();
    Set<JobId> claimed = claimConcurrently(List.of(store, other, store, other), jobs);
    assertThat(claimed).hasSize(jobs);
  }

  /** Claims from every store on its own thread until all jobs are claimed; fails on a double claim. */
  private Set<JobId> claimConcurrently(List<Store> stores, int expected) throws Exception {
    Set<JobId> claimed = ConcurrentHashMap.newKeySet();
    List<JobId> doubles = Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier start = new CyclicBarrier(stores.size());
    ExecutorService pool = Executors.newFixedThreadPool(stores.size());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < stores.size(); t++) {
        Store s = stores.get(t);
        NodeId node = NodeId.of("node-" + t);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  int emptyRounds = 0;
                  while (claimed.size() < expected && emptyRounds < 50) {
                    List<ClaimedJob> got =
                        s.jobs().claim(new ClaimRequest(node, "default", 7, T0, LEASE));
                    emptyRounds = got.isEmpty() ? emptyRounds + 1 : 0;
                    for (ClaimedJob c : got) {
                      if (!claimed.add(c.job().id())) {
                        doubles.add(c.job().id());
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(doubles).as("jobs claimed twice").isEmpty();
    return claimed;
  }

  /**
   * Outcomes for six claimed jobs: successes of the first four (result {@code {"i": i}}, ended at
   * T0 + i + 1 s), a success of the fifth under a token that is not its lease's, a failure of the
   * sixth.
   */
  private static List<dev.docket.spi.Completion> fourSuccessesAStaleLeaseAndAFailure(List<ClaimedJob> claimed) {
    List<dev.docket.spi.Completion> batch = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batch.add(
          new dev.docket.spi.Completion(
              claimed.get(i).lease(),
              new Outcome.Succeeded(JsonNodeFactory.instance.objectNode().put("i", i)),
              T0.plusSeconds(i + 1)));
    }
    Lease stale = claimed.get(4).lease();
    batch.add(
        new dev.docket.spi.Completion(
            new Lease(stale.jobId(), stale.node(), "not-the-token", stale.expiresAt()),
            new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()),
            T0.plusSeconds(9)));
    batch.add(
        new dev.docket.spi.Completion(
            claimed.get(5).lease(), new Outcome.Failed(JobError.of("boom", "no")), T0.plusSeconds(10)));
    return batch;
  }

  @Test
  void completeAllAppliesEachOutcomeUnderItsOwnLeaseToken() {
    for (int i = 0; i < 6; i++) {
      insert(aJob().build());
    }
    List<ClaimedJob> claimed = claim("default", 6, T0);
    assertThat(claimed).hasSize(6);
    List<dev.docket.spi.Completion> batch = fourSuccessesAStaleLeaseAndAFailure(claimed);
    Lease stale = claimed.get(4).lease();
    List<Optional<Job>> out = store.jobs().completeAll(batch);
    assertThat(out).hasSize(6);
    for (int i = 0; i < 4; i++) {
      Job j = out.get(i).orElseThrow();
      assertThat(j.id()).isEqualTo(claimed.get(i).job().id());
      assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(j.result().orElseThrow().get("i").asInt()).isEqualTo(i);
      assertThat(j.finishedAt()).contains(T0.plusSeconds(i + 1));
      assertThat(j.node()).isEmpty();
      assertThat(store.jobs().find(j.id())).contains(j);
      List<JobEvent> events = store.jobs().events(j.id());
      assertThat(events.get(events.size() - 1).to()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(events.get(events.size() - 1).at()).isEqualTo(T0.plusSeconds(i + 1));
      assertHistoryFollowsTable(j.id());
    }
    assertThat(out.get(4)).isEmpty();
    assertThat(store.jobs().find(stale.jobId()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(out.get(5).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
  }

  /**
   * The flags-only variant stores exactly what {@code completeAll} stores, the history of a job on
   * its second attempt included, and says which leases held.
   */
  @Test
  void completeAllAppliedStoresEachOutcomeAndSaysWhichLeasesHeld() {
    for (int i = 0; i < 6; i++) {
      insert(aJob().build());
    }
    List<ClaimedJob> claimed = new ArrayList<>(claim("default", 6, T0));
    assertThat(claimed).hasSize(6);
    // the first job's first attempt asks for a retry: its second attempt's history is explicit
    store.jobs().complete(claimed.get(0).lease(), new Outcome.RetryLater(JobError.of("boom", "again"), T0), T0);
    store.jobs().promoteDue(T0.plusMillis(1), 10);
    claimed.set(0, claim("default", 1, T0.plusMillis(2)).get(0));
    assertThat(claimed.get(0).job().attempts()).isEqualTo(2);

    List<dev.docket.spi.Completion> batch = fourSuccessesAStaleLeaseAndAFailure(claimed);
    Lease stale = claimed.get(4).lease();

    boolean[] applied = store.jobs().completeAllApplied(batch);

    assertThat(applied).containsExactly(true, true, true, true, false, true);
    for (int i = 0; i < 4; i++) {
      Job j = store.jobs().find(claimed.get(i).job().id()).orElseThrow();
      assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(j.result().orElseThrow().get("i").asInt()).isEqualTo(i);
      assertThat(j.finishedAt()).contains(T0.plusSeconds(i + 1));
      List<JobEvent> events = store.jobs().events(j.id());
      assertThat(events.get(events.size() - 1).to()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(events.get(events.size() - 1).at()).isEqualTo(T0.plusSeconds(i + 1));
      assertHistoryFollowsTable(j.id());
    }
    assertThat(store.jobs().events(claimed.get(0).job().id()))
        .extracting(JobEvent::to)
        .containsExactly(
            JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SCHEDULED, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    Job untouched = store.jobs().find(stale.jobId()).orElseThrow();
    assertThat(untouched.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(untouched.result()).isEmpty();
    assertThat(store.jobs().find(claimed.get(5).job().id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void concurrentInsertsOfOneIdCreateExactlyOneJob() throws Exception {
    int threads = 16;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger inserted = new AtomicInteger();
    Store other = peer();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Store s = t % 2 == 0 ? store : other;
        int priority = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  InsertResult r = s.jobs().insert(aJob().id("same").priority(priority).build(), "alice");
                  if (r.inserted()) {
                    inserted.incrementAndGet();
                  }
                  assertThat(r.job().id().value()).isEqualTo("same");
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(inserted).hasValue(1);
    assertThat(store.jobs().list(JobFilter.all(), Optional.empty(), 10).items()).hasSize(1);
    assertThat(store.jobs().events(JobId.of("same"))).hasSize(1);
  }

  @Test
  void completionRacingReclaimHasExactlyOneWinner() throws Exception {
    Store other = peer();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 40; round++) {
        NewJob n = aJob().build();
        insert(n);
        ClaimedJob c = claimOne(T0);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Optional<Job>> completion =
            pool.submit(
                () -> {
                  start.await();
                  return store.jobs().complete(c.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(31));
                });
        Future<List<Job>> reclaim =
            pool.submit(
                () -> {
                  start.await();
                  return other.jobs().reclaimExpired(T0.plusSeconds(31), 10);
                });
        boolean completed = completion.get(30, TimeUnit.SECONDS).isPresent();
        boolean reclaimed = !reclaim.get(30, TimeUnit.SECONDS).isEmpty();
        assertThat(completed ^ reclaimed).as("round %d: exactly one winner", round).isTrue();
        Job after = store.jobs().find(n.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(completed ? JobStatus.SUCCEEDED : JobStatus.QUEUED);
        if (reclaimed) {
          store.jobs().requestCancel(n.id(), T0, "alice"); // clear it out of the next round's claim
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cancelRacingClaimLeavesAConsistentJob() throws Exception {
    Store other = peer();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 40; round++) {
        NewJob n = aJob().queue("race").build();
        insert(n);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<List<ClaimedJob>> claim =
            pool.submit(
                () -> {
                  start.await();
                  return store.jobs().claim(new ClaimRequest(NODE_A, "race", 1, T0, LEASE));
                });
        Future<Optional<Job>> cancel =
            pool.submit(
                () -> {
                  start.await();
                  return other.jobs().requestCancel(n.id(), T0, "alice");
                });
        List<ClaimedJob> got = claim.get(30, TimeUnit.SECONDS);
        Job afterCancel = cancel.get(30, TimeUnit.SECONDS).orElseThrow();
        Job now = store.jobs().find(n.id()).orElseThrow();
        if (got.isEmpty()) {
          assertThat(now.status()).isEqualTo(JobStatus.CANCELLED);
        } else {
          assertThat(now.status()).isEqualTo(JobStatus.RUNNING);
          assertThat(now.cancelRequested()).isTrue();
          assertThat(afterCancel.status()).isEqualTo(JobStatus.RUNNING);
          store.jobs().complete(got.get(0).lease(), new Outcome.Cancelled("stopped"), T0);
        }
        assertHistoryFollowsTable(n.id());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ approvals

  /** Approval requests: created with their job, closed once, with the job, atomically. */
  @Nested
  class Approvals {

    private NewJob gated(String... approvers) {
      return aJob().awaitingApproval("needs a human", approvers).build();
    }

    private ApprovalId requestOf(NewJob j) {
      return j.approval().orElseThrow().id();
    }

    private Decision approveBy(String who, String note) {
      return new Decision(ApprovalStatus.APPROVED, who, T0.plusSeconds(60), note);
    }

    @Test
    void insertWithApprovalStoresAPendingRequestAndTheJobIsNeverClaimed() {
      NewJob n = gated("bob");
      Job j = insert(n);
      assertThat(j.status()).isEqualTo(JobStatus.AWAITING_APPROVAL);
      ApprovalRequest a = store.approvals().find(requestOf(n)).orElseThrow();
      assertThat(a.jobId()).isEqualTo(n.id());
      assertThat(a.function()).isEqualTo(n.function());
      assertThat(a.args().toString()).isEqualTo(n.args().toString());
      assertThat(a.reason()).isEqualTo("needs a human");
      assertThat(a.requestedBy()).isEqualTo("alice");
      assertThat(a.approvers()).containsExactly("bob");
      assertThat(a.status()).isEqualTo(ApprovalStatus.PENDING);
      assertThat(a.decision()).isEmpty();
      assertThat(a.createdAt()).isEqualTo(T0);
      assertThat(store.approvals().findByJobs(List.of(n.id(), JobId.of("nope")))).containsExactly(a);
      assertThat(claim("default", 10, T0.plusSeconds(3600))).isEmpty();
      assertThat(store.jobs().promoteDue(T0.plusSeconds(3600), 10)).isEmpty();
    }

    @Test
    void approvingQueuesTheJobAndRecordsWhoWhenAndWhy() {
      NewJob n = gated();
      insert(n);
      Decided d = store.approvals().decide(requestOf(n), approveBy("carol", "looks fine")).orElseThrow();
      assertThat(d.request().status()).isEqualTo(ApprovalStatus.APPROVED);
      assertThat(d.request().decidedBy()).contains("carol");
      assertThat(d.request().decidedAt()).contains(T0.plusSeconds(60));
      assertThat(d.request().decisionNote()).contains("looks fine");
      assertThat(d.job().status()).isEqualTo(JobStatus.QUEUED);
      assertThat(store.approvals().find(requestOf(n))).contains(d.request());
      JobEvent last = lastEvent(n.id());
      assertThat(last.from()).contains(JobStatus.AWAITING_APPROVAL);
      assertThat(last.to()).isEqualTo(JobStatus.QUEUED);
      assertThat(last.by()).isEqualTo("carol");
      assertThat(last.detail()).contains("looks fine");
      assertThat(claim("default", 10, T0.plusSeconds(60))).extracting(c -> c.job().id()).containsExactly(n.id());
      assertHistoryFollowsTable(n.id());
    }

    @Test
    void approvingAJobWhoseRunTimeIsAheadSchedulesIt() {
      NewJob n = aJob().dueAt(T0.plusSeconds(7200)).awaitingApproval("later").build();
      insert(n);
      Decided d = store.approvals().decide(requestOf(n), approveBy("carol", "")).orElseThrow();
      assertThat(d.job().status()).isEqualTo(JobStatus.SCHEDULED);
      assertThat(d.job().scheduledAt()).isEqualTo(T0.plusSeconds(7200));
      assertThat(store.jobs().promoteDue(T0.plusSeconds(7200), 10)).extracting(Job::id).containsExactly(n.id());
    }

    @Test
    void rejectingEndsTheJobRejectedWithTheReason() {
      NewJob n = gated();
      insert(n);
      Decided d =
          store.approvals()
              .decide(requestOf(n), new Decision(ApprovalStatus.REJECTED, "carol", T0.plusSeconds(5), "too risky"))
              .orElseThrow();
      assertThat(d.request().status()).isEqualTo(ApprovalStatus.REJECTED);
      assertThat(d.request().decisionNote()).contains("too risky");
      assertThat(d.job().status()).isEqualTo(JobStatus.REJECTED);
      assertThat(d.job().finishedAt()).contains(T0.plusSeconds(5));
      assertThat(lastEvent(n.id()).detail()).contains("too risky");
      assertThat(lastEvent(n.id()).by()).isEqualTo("carol");
      assertThatThrownBy(() -> store.jobs().retry(n.id(), T0, "alice")).isInstanceOf(IllegalJobStateException.class);
    }

    @Test
    void aRequestIsDecidedOnceAndTheSecondDecisionConflictsWithoutWriting() {
      NewJob n = gated();
      insert(n);
      store.approvals().decide(requestOf(n), approveBy("carol", "first")).orElseThrow();
      int events = store.jobs().events(n.id()).size();
      assertThatThrownBy(
              () ->
                  store.approvals()
                      .decide(requestOf(n), new Decision(ApprovalStatus.REJECTED, "dave", T0, "second")))
          .isInstanceOfSatisfying(
              ApprovalConflictException.class, e -> assertThat(e.current()).isEqualTo(ApprovalStatus.APPROVED));
      assertThat(store.approvals().find(requestOf(n)).orElseThrow().decidedBy()).contains("carol");
      assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
      assertThat(store.jobs().events(n.id())).hasSize(events);
    }

    @Test
    void decidingAnUnknownRequestFindsNothing() {
      assertThat(store.approvals().decide(ApprovalId.of("apr_nope"), approveBy("carol", ""))).isEmpty();
      assertThat(store.approvals().find(ApprovalId.of("apr_nope"))).isEmpty();
    }

    @Test
    void expiryClosesOnlyRequestsWhoseTimeCame() {
      NewJob soon =
          aJob().approval(new NewApproval(ApprovalId.random(), "r", Set.of(), Optional.of(T0.plusSeconds(60)))).build();
      NewJob later =
          aJob().approval(new NewApproval(ApprovalId.random(), "r", Set.of(), Optional.of(T0.plusSeconds(600)))).build();
      NewJob never = gated();
      insert(soon);
      insert(later);
      insert(never);
      assertThat(store.approvals().expireDue(T0.plusSeconds(59), 10)).isEmpty();
      List<Decided> expired = store.approvals().expireDue(T0.plusSeconds(60), 10);
      assertThat(expired).extracting(d -> d.job().id()).containsExactly(soon.id());
      Decided d = expired.get(0);
      assertThat(d.request().status()).isEqualTo(ApprovalStatus.EXPIRED);
      assertThat(d.request().decidedBy()).contains("system");
      assertThat(d.job().status()).isEqualTo(JobStatus.EXPIRED);
      assertThat(lastEvent(soon.id()).to()).isEqualTo(JobStatus.EXPIRED);
      assertThatThrownBy(() -> store.approvals().decide(requestOf(soon), approveBy("carol", "")))
          .isInstanceOfSatisfying(
              ApprovalConflictException.class, e -> assertThat(e.current()).isEqualTo(ApprovalStatus.EXPIRED));
      assertThat(store.approvals().expireDue(T0.plusSeconds(100_000), 10)).extracting(x -> x.job().id()).containsExactly(later.id());
      assertThat(store.jobs().find(never.id()).orElseThrow().status()).isEqualTo(JobStatus.AWAITING_APPROVAL);
      assertHistoryFollowsTable(soon.id());
    }

    @Test
    void aRequestPastItsExpiryCannotBeDecidedEvenBeforeTheSweepAndIsNotListed() {
      NewJob n =
          aJob().approval(new NewApproval(ApprovalId.random(), "r", Set.of(), Optional.of(T0.plusSeconds(60)))).build();
      insert(n);
      assertThat(store.approvals().pending(PendingQuery.all(T0.plusSeconds(59)), Optional.empty(), 10).items()).hasSize(1);
      assertThat(store.approvals().pending(PendingQuery.all(T0.plusSeconds(60)), Optional.empty(), 10).items()).isEmpty();
      assertThatThrownBy(
              () ->
                  store.approvals()
                      .decide(requestOf(n), new Decision(ApprovalStatus.APPROVED, "carol", T0.plusSeconds(60), "")))
          .isInstanceOfSatisfying(
              ApprovalConflictException.class, e -> assertThat(e.current()).isEqualTo(ApprovalStatus.EXPIRED));
      assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.AWAITING_APPROVAL);
      assertThat(store.approvals().decide(requestOf(n), new Decision(ApprovalStatus.REJECTED, "carol", T0.plusSeconds(59), "no")))
          .isPresent();
    }

    @Test
    void cancellingAWaitingJobClosesItsRequest() {
      NewJob n = gated();
      insert(n);
      Job j = store.jobs().requestCancel(n.id(), T0.plusSeconds(9), "alice").orElseThrow();
      assertThat(j.status()).isEqualTo(JobStatus.CANCELLED);
      ApprovalRequest a = store.approvals().find(requestOf(n)).orElseThrow();
      assertThat(a.status()).isEqualTo(ApprovalStatus.CANCELLED);
      assertThat(a.decidedBy()).contains("alice");
      assertThat(a.decidedAt()).contains(T0.plusSeconds(9));
      assertThatThrownBy(() -> store.approvals().decide(requestOf(n), approveBy("carol", "")))
          .isInstanceOf(ApprovalConflictException.class);
      assertThat(store.approvals().pending(PendingQuery.all(T0), Optional.empty(), 10).items()).isEmpty();
    }

    @Test
    void aCancelledJobThatWasNeverApprovedCannotBeRetriedPastTheGate() {
      NewJob n = gated();
      insert(n);
      store.jobs().requestCancel(n.id(), T0, "alice");
      assertThatThrownBy(() -> store.jobs().retry(n.id(), T0, "alice"))
          .isInstanceOf(IllegalJobStateException.class)
          .hasMessageContaining("never approved");
      assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void anApprovedJobThatFailedMayBeRetried() {
      NewJob n = aJob().maxAttempts(1).awaitingApproval("r").build();
      insert(n);
      store.approvals().decide(requestOf(n), approveBy("carol", "")).orElseThrow();
      ClaimedJob c = claim("default", 1, T0.plusSeconds(60)).get(0);
      store.jobs().complete(c.lease(), new Outcome.Failed(JobError.of("boom", "x")), T0.plusSeconds(61));
      assertThat(store.jobs().retry(n.id(), T0.plusSeconds(62), "alice").orElseThrow().status())
          .isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void pendingListsOldestFirstInPagesAndHonoursTheScope() {
      List<NewJob> made = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        NewJob n =
            aJob()
                .createdAt(T0.plusSeconds(i))
                .owner(i == 4 ? "bob" : "alice")
                .awaitingApproval("r" + i, i % 2 == 0 ? new String[] {"bob"} : new String[] {})
                .build();
        insert(n);
        made.add(n);
      }
      insert(aJob().build()); // not gated
      Page<ApprovalRequest> first = store.approvals().pending(PendingQuery.all(T0), Optional.empty(), 2);
      assertThat(first.items()).extracting(ApprovalRequest::jobId).containsExactly(made.get(0).id(), made.get(1).id());
      Page<ApprovalRequest> second = store.approvals().pending(PendingQuery.all(T0), first.next(), 2);
      assertThat(second.items()).extracting(ApprovalRequest::jobId).containsExactly(made.get(2).id(), made.get(3).id());
      Page<ApprovalRequest> third = store.approvals().pending(PendingQuery.all(T0), second.next(), 2);
      assertThat(third.items()).extracting(ApprovalRequest::jobId).containsExactly(made.get(4).id());
      assertThat(third.next()).isEmpty();

      PendingQuery bobMayDecide = new PendingQuery(Optional.of("bob"), Optional.of("bob"), T0);
      assertThat(store.approvals().pending(bobMayDecide, Optional.empty(), 10).items())
          .extracting(ApprovalRequest::jobId)
          .containsExactly(made.get(0).id(), made.get(2).id());
      PendingQuery notAlices = new PendingQuery(Optional.empty(), Optional.of("alice"), T0);
      assertThat(store.approvals().pending(notAlices, Optional.empty(), 10).items())
          .extracting(ApprovalRequest::jobId)
          .containsExactly(made.get(4).id());

      store.approvals().decide(requestOf(made.get(1)), approveBy("carol", ""));
      assertThat(store.approvals().pending(PendingQuery.all(T0), Optional.empty(), 10).items()).hasSize(4);
    }

    @Test
    void racingDecisionsFromTwoStoresHaveExactlyOneWinner() throws Exception {
      Store other = peer();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 50; round++) {
          NewJob n = gated();
          insert(n);
          CyclicBarrier start = new CyclicBarrier(2);
          Future<Boolean> approve =
              pool.submit(
                  () -> {
                    start.await();
                    return tryDecide(store, requestOf(n), approveBy("carol", "yes"));
                  });
          Future<Boolean> reject =
              pool.submit(
                  () -> {
                    start.await();
                    return tryDecide(
                        other, requestOf(n), new Decision(ApprovalStatus.REJECTED, "dave", T0.plusSeconds(60), "no"));
                  });
          boolean approved = approve.get(30, TimeUnit.SECONDS);
          boolean rejected = reject.get(30, TimeUnit.SECONDS);
          assertThat(approved ^ rejected).as("round %d: exactly one winner", round).isTrue();
          ApprovalRequest a = store.approvals().find(requestOf(n)).orElseThrow();
          Job j = store.jobs().find(n.id()).orElseThrow();
          assertThat(a.status()).isEqualTo(approved ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED);
          assertThat(j.status()).isEqualTo(approved ? JobStatus.QUEUED : JobStatus.REJECTED);
          assertThat(store.jobs().events(n.id()))
              .filteredOn(e -> e.from().equals(Optional.of(JobStatus.AWAITING_APPROVAL)))
              .hasSize(1);
          if (approved) {
            store.jobs().requestCancel(n.id(), T0, "alice"); // keep the ready set empty
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void aDecisionRacingACancelLeavesAConsistentPair() throws Exception {
      Store other = peer();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 40; round++) {
          NewJob n = gated();
          insert(n);
          CyclicBarrier start = new CyclicBarrier(2);
          Future<Boolean> approve =
              pool.submit(
                  () -> {
                    start.await();
                    return tryDecide(store, requestOf(n), approveBy("carol", ""));
                  });
          Future<Optional<Job>> cancel =
              pool.submit(
                  () -> {
                    start.await();
                    return other.jobs().requestCancel(n.id(), T0.plusSeconds(60), "alice");
                  });
          boolean approved = approve.get(30, TimeUnit.SECONDS);
          assertThat(cancel.get(30, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
          ApprovalRequest a = store.approvals().find(requestOf(n)).orElseThrow();
          assertThat(a.status()).isEqualTo(approved ? ApprovalStatus.APPROVED : ApprovalStatus.CANCELLED);
          assertThat(store.jobs().find(n.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
          assertHistoryFollowsTable(n.id());
        }
      } finally {
        pool.shutdownNow();
      }
    }

    private boolean tryDecide(Store s, ApprovalId id, Decision d) {
      try {
        return s.approvals().decide(id, d).isPresent();
      } catch (ApprovalConflictException e) {
        return false;
      }
    }

    private JobEvent lastEvent(JobId id) {
      List<JobEvent> events = store.jobs().events(id);
      return events.get(events.size() - 1);
    }
  }

  // ------------------------------------------------------------------ schedules

  /** Scheduled tasks: stored, changed atomically, and each due fire claimed exactly once. */
  @Nested
  class Schedules {

    private NewTask task(String owner, Instant createdAt, Optional<Instant> next) {
      return new NewTask(
          TaskId.random(),
          "weekly",
          "0 9 * * MON",
          java.time.ZoneId.of("Europe/Amsterdam"),
          "send_message",
          JsonNodeFactory.instance.objectNode().put("room_id", "r1"),
          next.isPresent(),
          MisfirePolicy.FIRE_ONCE,
          owner,
          createdAt,
          next);
    }

    private NewTask dueAt(Instant at) {
      return task("alice", T0, Optional.of(at));
    }

    /** Enqueues a job per fire, id derived from task and fire time, next fire a minute later. */
    private FirePlan everyMinute(ScheduledTask t) {
      Instant fire = t.nextRunAt().orElseThrow();
      NewJob job =
          aJob()
              .id(t.id().value() + "-" + fire.getEpochSecond())
              .function(t.action())
              .owner(t.owner())
              .correlationId(t.id().value())
              .build();
      return new FirePlan(Optional.of(job), Optional.of(fire.plusSeconds(60)));
    }

    @Test
    void aTaskIsStoredWithEveryFieldAndFoundAgain() {
      NewTask n = dueAt(T0.plusSeconds(60));
      ScheduledTask t = store.schedules().insert(n);
      assertThat(t.id()).isEqualTo(n.id());
      assertThat(t.name()).isEqualTo("weekly");
      assertThat(t.schedule()).isEqualTo("0 9 * * MON");
      assertThat(t.timezone()).isEqualTo(java.time.ZoneId.of("Europe/Amsterdam"));
      assertThat(t.action()).isEqualTo("send_message");
      assertThat(t.args().get("room_id").asText()).isEqualTo("r1");
      assertThat(t.enabled()).isTrue();
      assertThat(t.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
      assertThat(t.owner()).isEqualTo("alice");
      assertThat(t.createdAt()).isEqualTo(T0);
      assertThat(t.updatedAt()).isEqualTo(T0);
      assertThat(t.nextRunAt()).contains(T0.plusSeconds(60));
      assertThat(t.lastRunAt()).isEmpty();
      assertThat(t.lastJobId()).isEmpty();
      assertThat(t.lastStatus()).isEmpty();
      assertThat(store.schedules().find(n.id())).contains(t);
      assertThat(peer().schedules().find(n.id())).contains(t);
      assertThat(store.schedules().find(TaskId.of("tsk_nope"))).isEmpty();
    }

    @Test
    void listsAreNewestFirstInPagesAndByOwner() {
      List<TaskId> alices = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        alices.add(store.schedules().insert(task("alice", T0.plusSeconds(i), Optional.empty())).id());
      }
      TaskId bobs = store.schedules().insert(task("bob", T0.plusSeconds(10), Optional.empty())).id();
      Page<ScheduledTask> first = store.schedules().list(Optional.of("alice"), Optional.empty(), 2);
      assertThat(first.items()).extracting(ScheduledTask::id).containsExactly(alices.get(4), alices.get(3));
      Page<ScheduledTask> second = store.schedules().list(Optional.of("alice"), first.next(), 2);
      assertThat(second.items()).extracting(ScheduledTask::id).containsExactly(alices.get(2), alices.get(1));
      Page<ScheduledTask> third = store.schedules().list(Optional.of("alice"), second.next(), 2);
      assertThat(third.items()).extracting(ScheduledTask::id).containsExactly(alices.get(0));
      assertThat(third.next()).isEmpty();
      assertThat(store.schedules().list(Optional.empty(), Optional.empty(), 10).items())
          .extracting(ScheduledTask::id)
          .startsWith(bobs)
          .hasSize(6);
    }

    @Test
    void anUpdateChangesTheCallersFieldsAtomicallyAndKeepsTheLastRun() {
      NewTask n = dueAt(T0);
      store.schedules().insert(n);
      Fired f = store.schedules().fireDue(T0, 10, this::everyMinute).get(0);
      Optional<ScheduledTask> after =
          store.schedules()
              .update(
                  n.id(),
                  t ->
                      new ScheduledTask(
                          t.id(), "renamed", "*/5 * * * *", java.time.ZoneId.of("UTC"), "trigger_ai",
                          JsonNodeFactory.instance.objectNode().put("prompt", "hi"), false, MisfirePolicy.SKIP,
                          "mallory", T0.minusSeconds(999), T0.plusSeconds(5), Optional.empty(), Optional.empty(),
                          Optional.empty(), Optional.empty()));
      ScheduledTask t = after.orElseThrow();
      assertThat(t.name()).isEqualTo("renamed");
      assertThat(t.schedule()).isEqualTo("*/5 * * * *");
      assertThat(t.timezone()).isEqualTo(java.time.ZoneId.of("UTC"));
      assertThat(t.action()).isEqualTo("trigger_ai");
      assertThat(t.args().get("prompt").asText()).isEqualTo("hi");
      assertThat(t.enabled()).isFalse();
      assertThat(t.misfirePolicy()).isEqualTo(MisfirePolicy.SKIP);
      assertThat(t.updatedAt()).isEqualTo(T0.plusSeconds(5));
      assertThat(t.nextRunAt()).isEmpty();
      assertThat(t.owner()).as("owner is not the caller's to change").isEqualTo("alice");
      assertThat(t.createdAt()).isEqualTo(T0);
      assertThat(t.lastRunAt()).contains(T0);
      assertThat(t.lastJobId()).isEqualTo(f.job().map(Job::id));
      assertThat(store.schedules().update(TaskId.of("tsk_nope"), x -> x)).isEmpty();
    }

    @Test
    void anUpdateWhoseChangeThrowsWritesNothing() {
      NewTask n = dueAt(T0.plusSeconds(60));
      ScheduledTask before = store.schedules().insert(n);
      assertThatThrownBy(
              () ->
                  store.schedules()
                      .update(n.id(), t -> {
                        throw new dev.docket.InvalidRequestException("args", "bad");
                      }))
          .isInstanceOf(dev.docket.InvalidRequestException.class);
      assertThat(store.schedules().find(n.id())).contains(before);
    }

    @Test
    void deleteRemovesTheTaskButNotItsJobs() {
      NewTask n = dueAt(T0);
      store.schedules().insert(n);
      Fired f = store.schedules().fireDue(T0, 10, this::everyMinute).get(0);
      assertThat(store.schedules().delete(n.id())).isTrue();
      assertThat(store.schedules().delete(n.id())).isFalse();
      assertThat(store.schedules().find(n.id())).isEmpty();
      assertThat(store.jobs().find(f.job().orElseThrow().id())).isPresent();
      assertThat(store.schedules().fireDue(T0.plusSeconds(3600), 10, this::everyMinute)).isEmpty();
    }

    @Test
    void aDueFireEnqueuesItsJobAndAdvancesTheTaskInOneStep() {
      NewTask n = dueAt(T0.plusSeconds(60));
      store.schedules().insert(n);
      assertThat(store.schedules().nextDue()).contains(T0.plusSeconds(60));
      assertThat(store.schedules().fireDue(T0.plusSeconds(59), 10, this::everyMinute)).isEmpty();
      List<Fired> fired = store.schedules().fireDue(T0.plusSeconds(60), 10, this::everyMinute);
      assertThat(fired).hasSize(1);
      Fired f = fired.get(0);
      assertThat(f.fireTime()).isEqualTo(T0.plusSeconds(60));
      assertThat(f.inserted()).isTrue();
      Job job = f.job().orElseThrow();
      assertThat(job.correlationId()).contains(n.id().value());
      assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(f.task().nextRunAt()).contains(T0.plusSeconds(120));
      ScheduledTask t = store.schedules().find(n.id()).orElseThrow();
      assertThat(t.nextRunAt()).contains(T0.plusSeconds(120));
      assertThat(t.lastRunAt()).contains(T0.plusSeconds(60));
      assertThat(t.lastJobId()).contains(job.id());
      assertThat(t.lastStatus()).contains(JobStatus.QUEUED);
      assertThat(store.jobs().find(job.id())).isPresent();
      assertThat(store.schedules().fireDue(T0.plusSeconds(60), 10, this::everyMinute)).isEmpty();
      assertThat(store.schedules().nextDue()).contains(T0.plusSeconds(120));
    }

    @Test
    void disabledTasksNeverFireAndDoNotCountForTheNextDueTime() {
      store.schedules().insert(task("alice", T0, Optional.empty()));
      NewTask off =
          new NewTask(
              TaskId.random(), "off", "* * * * *", java.time.ZoneId.of("UTC"), "x",
              JsonNodeFactory.instance.objectNode(), false, MisfirePolicy.FIRE_ONCE, "alice", T0,
              Optional.of(T0));
      store.schedules().insert(off);
      assertThat(store.schedules().nextDue()).isEmpty();
      assertThat(store.schedules().fireDue(T0.plusSeconds(3600), 10, this::everyMinute)).isEmpty();
    }

    @Test
    void aSkippedFireAdvancesWithoutAJob() {
      NewTask n = dueAt(T0);
      store.schedules().insert(n);
      List<Fired> fired =
          store.schedules().fireDue(T0, 10, t -> new FirePlan(Optional.empty(), Optional.of(T0.plusSeconds(600))));
      assertThat(fired).hasSize(1);
      assertThat(fired.get(0).job()).isEmpty();
      ScheduledTask t = store.schedules().find(n.id()).orElseThrow();
      assertThat(t.nextRunAt()).contains(T0.plusSeconds(600));
      assertThat(t.lastRunAt()).isEmpty();
      assertThat(store.jobs().list(JobFilter.all(), Optional.empty(), 10).items()).isEmpty();
    }

    /** One step with many tasks, fired, skipped and last fires mixed: each keeps its own fields. */
    @Test
    void oneStepAdvancesEachTaskByItsOwnPlan() {
      List<NewTask> tasks = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        NewTask n = dueAt(T0.plusSeconds(i));
        store.schedules().insert(n);
        tasks.add(n);
      }
      // task i: a job when i is even; a next fire unless i is a multiple of 3
      java.util.Map<TaskId, Integer> index = new java.util.HashMap<>();
      for (int i = 0; i < tasks.size(); i++) {
        index.put(tasks.get(i).id(), i);
      }
      List<Fired> fired =
          store.schedules().fireDue(T0.plusSeconds(60), 100, t -> {
            int i = index.get(t.id());
            Optional<NewJob> job = i % 2 == 0 ? everyMinute(t).job() : Optional.empty();
            return new FirePlan(job, i % 3 == 0 ? Optional.empty() : Optional.of(T0.plusSeconds(600 + i)));
          });
      assertThat(fired).hasSize(30);
      for (int i = 0; i < tasks.size(); i++) {
        ScheduledTask t = store.schedules().find(tasks.get(i).id()).orElseThrow();
        assertThat(t.nextRunAt()).isEqualTo(i % 3 == 0 ? Optional.empty() : Optional.of(T0.plusSeconds(600 + i)));
        if (i % 2 == 0) {
          assertThat(t.lastRunAt()).contains(T0.plusSeconds(i));
          assertThat(t.lastJobId()).contains(JobId.of(t.id().value() + "-" + T0.plusSeconds(i).getEpochSecond()));
          assertThat(t.lastStatus()).contains(JobStatus.QUEUED);
        } else {
          assertThat(t.lastRunAt()).isEmpty();
          assertThat(t.lastJobId()).isEmpty();
        }
      }
      assertThat(store.jobs().list(JobFilter.all(), Optional.empty(), 100).items()).hasSize(15);
    }

    @Test
    void aTaskThatNeverFiresAgainStopsAfterItsLastFire() {
      NewTask n = dueAt(T0);
      store.schedules().insert(n);
      store.schedules().fireDue(T0, 10, t -> new FirePlan(everyMinute(t).job(), Optional.empty()));
      assertThat(store.schedules().find(n.id()).orElseThrow().nextRunAt()).isEmpty();
      assertThat(store.schedules().fireDue(T0.plusSeconds(999_999), 10, this::everyMinute)).isEmpty();
    }

    /** As the scheduler plans a fire: ready, due at the fire time, in {@code queue}. */
    private FirePlan readyAtFire(ScheduledTask t, String queue) {
      Instant fire = t.nextRunAt().orElseThrow();
      NewJob job =
          aJob()
              .id(t.id().value() + "-" + fire.getEpochSecond())
              .function(t.action())
              .queue(queue)
              .owner(t.owner())
              .correlationId(t.id().value())
              .createdAt(T0)
              .dueAt(fire)
              .status(JobStatus.QUEUED)
              .build();
      return new FirePlan(Optional.of(job), Optional.of(fire.plusSeconds(60)));
    }

    /** A fire's job held for the firing node is stored as a claim at its fire time would leave it. */
    @Test
    void aFireStoresUpToTheLimitOfItsJobsClaimedForTheFiringNode() {
      NewTask first = dueAt(T0.plusSeconds(60));
      NewTask second = dueAt(T0.plusSeconds(61));
      NewTask third = dueAt(T0.plusSeconds(62));
      for (NewTask n : List.of(first, second, third)) {
        store.schedules().insert(n);
      }
      Instant now = T0.plusSeconds(57);
      ScheduleStore.FireResult r =
          store.schedules()
              .fireDueAndHold(T0.plusSeconds(62), 10, t -> readyAtFire(t, "default"), new ClaimRequest(NODE_A, "default", 2, now, LEASE));

      assertThat(r.fired()).extracting(f -> f.task().id()).containsExactly(first.id(), second.id(), third.id());
      assertThat(r.fired()).allSatisfy(f -> {
        assertThat(f.inserted()).isTrue();
        assertThat(f.job().orElseThrow().status()).as("reported as created").isEqualTo(JobStatus.QUEUED);
      });
      assertThat(r.held()).extracting(c -> c.job().correlationId().orElseThrow())
          .containsExactly(first.id().value(), second.id().value());
      for (ClaimedJob c : r.held()) {
        Job stored = store.jobs().find(c.job().id()).orElseThrow();
        assertThat(stored).isEqualTo(c.job());
        assertThat(stored.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(stored.attempts()).isEqualTo(1);
        assertThat(stored.startedAt()).as("claimed then, as any buffered job").contains(now);
        assertThat(stored.node()).contains(NODE_A);
        assertThat(c.lease().node()).isEqualTo(NODE_A);
        assertThat(c.lease().token()).isNotBlank();
        assertThat(c.lease().expiresAt()).isEqualTo(now.plus(LEASE));
        assertThat(store.schedules().find(TaskId.of(stored.correlationId().orElseThrow())).orElseThrow().lastStatus())
            .contains(JobStatus.RUNNING);
      }
      JobId thirdJob = r.fired().get(2).job().orElseThrow().id();
      assertThat(store.jobs().find(thirdJob).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

      // another node's claim at the fire times takes only the job not held
      assertThat(store.jobs().claim(new ClaimRequest(NODE_B, "default", 10, T0.plusSeconds(62), LEASE)))
          .extracting(c -> c.job().id())
          .containsExactly(thirdJob);

      // a held job ends with its lease, and its history shows its claim
      ClaimedJob held = r.held().get(0);
      assertThat(store.jobs().complete(held.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(60)))
          .hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
      List<JobEvent> events = store.jobs().events(held.job().id());
      assertThat(events).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
      assertThat(events.get(0).at()).isEqualTo(T0);
      assertThat(events.get(1).at()).isEqualTo(now);
      assertHistoryFollowsTable(held.job().id());
    }

    @Test
    void aHeldJobWhoseNodeDiedIsTakenBackWhenItsLeaseEnds() {
      NewTask n = dueAt(T0.plusSeconds(5));
      store.schedules().insert(n);
      ClaimedJob held =
          store.schedules()
              .fireDueAndHold(T0.plusSeconds(5), 10, t -> readyAtFire(t, "default"), new ClaimRequest(NODE_A, "default", 10, T0, LEASE))
              .held()
              .get(0);
      assertThat(store.jobs().reclaimExpired(T0.plus(LEASE), 10)).isEmpty();
      assertThat(store.jobs().reclaimExpired(T0.plus(LEASE).plusSeconds(1), 10))
          .extracting(Job::id)
          .containsExactly(held.job().id());
      assertThat(store.jobs().complete(held.lease(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(31)))
          .as("the dead node's lease no longer counts")
          .isEmpty();
      assertHistoryFollowsTable(held.job().id());
    }

    @Test
    void aFireHoldsNeitherAJobWhoseIdExistedNorOneOfAnotherQueue() {
      NewTask existed = dueAt(T0);
      NewTask elsewhere = dueAt(T0);
      NewTask fresh = dueAt(T0);
      for (NewTask n : List.of(existed, elsewhere, fresh)) {
        store.schedules().insert(n);
      }
      insert(aJob().id(existed.id().value() + "-" + T0.getEpochSecond()).owner("alice").build());
      ScheduleStore.FireResult r =
          store.schedules()
              .fireDueAndHold(T0, 10, t -> readyAtFire(t, t.id().equals(elsewhere.id()) ? "mail" : "default"),
                  new ClaimRequest(NODE_A, "default", 10, T0, LEASE));
      assertThat(r.fired()).hasSize(3);
      assertThat(r.held()).extracting(c -> c.job().correlationId().orElseThrow()).containsExactly(fresh.id().value());
      Job old = store.jobs().find(JobId.of(existed.id().value() + "-" + T0.getEpochSecond())).orElseThrow();
      assertThat(old.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(old.attempts()).isZero();
      assertThat(claim("mail", 10, T0)).hasSize(1);
    }

    @Test
    void aFireWhoseJobExistsAlreadyEnqueuesNothingNew() {
      NewTask n = dueAt(T0);
      store.schedules().insert(n);
      insert(aJob().id(n.id().value() + "-" + T0.getEpochSecond()).owner("alice").build());
      Fired f = store.schedules().fireDue(T0, 10, this::everyMinute).get(0);
      assertThat(f.inserted()).isFalse();
      assertThat(store.jobs().list(JobFilter.all(), Optional.empty(), 10).items()).hasSize(1);
      assertThat(store.schedules().find(n.id()).orElseThrow().nextRunAt()).contains(T0.plusSeconds(60));
    }

    @Test
    void fireDueTakesTheEarliestFirstUpToTheLimit() {
      NewTask late = dueAt(T0.plusSeconds(30));
      NewTask early = dueAt(T0.plusSeconds(10));
      NewTask mid = dueAt(T0.plusSeconds(20));
      store.schedules().insert(late);
      store.schedules().insert(early);
      store.schedules().insert(mid);
      assertThat(store.schedules().fireDue(T0.plusSeconds(30), 2, this::everyMinute))
          .extracting(f -> f.task().id())
          .containsExactly(early.id(), mid.id());
    }

    @Test
    void nodesFiringTheSameTasksAtTheSameInstantFireEachOnce() throws Exception {
      Store other = peer();
      int tasks = 60;
      for (int i = 0; i < tasks; i++) {
        store.schedules().insert(dueAt(T0));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int minute = 0; minute < 5; minute++) {
          Instant now = T0.plusSeconds(60L * minute);
          CyclicBarrier start = new CyclicBarrier(4);
          List<Future<List<Fired>>> runs = new ArrayList<>();
          for (int w = 0; w < 4; w++) {
            Store s = w % 2 == 0 ? store : other;
            runs.add(
                pool.submit(
                    () -> {
                      start.await();
                      List<Fired> all = new ArrayList<>();
                      List<Fired> batch;
                      do {
                        batch = s.schedules().fireDue(now, 7, this::everyMinute);
                        all.addAll(batch);
                      } while (!batch.isEmpty());
                      return all;
                    }));
          }
          Map<TaskId, Integer> fires = new java.util.HashMap<>();
          for (Future<List<Fired>> f : runs) {
            for (Fired x : f.get(60, TimeUnit.SECONDS)) {
              assertThat(x.inserted()).isTrue();
              fires.merge(x.task().id(), 1, Integer::sum);
            }
          }
          assertThat(fires).as("minute %d", minute).hasSize(tasks);
          assertThat(fires.values()).as("minute %d: each task once", minute).containsOnly(1);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.jobs().list(JobFilter.all(), Optional.empty(), 500).items()).hasSize(tasks * 5);
    }
  }

  // ------------------------------------------------------------------ admin

  /** Queue pause (honoured by every store instance), purge, finished counts, history bound. */
  @Nested
  class Admin {

    private Job finish(NewJob n, Outcome outcome, Instant at) {
      insert(n);
      ClaimedJob c = claim(n.queue(), 1, at).get(0);
      return store.jobs().complete(c.lease(), outcome, at).orElseThrow();
    }

    @Test
    void aPausedQueueIsClaimedFromByNoStoreInstanceUntilResumed() {
      Store other = peer();
      insert(aJob().queue("mail").build());
      insert(aJob().queue("other").build());
      store.admin().setPaused("mail", true, "root", T0);
      assertThat(store.admin().pausedQueues()).containsExactly("mail");
      assertThat(other.admin().pausedQueues()).containsExactly("mail");
      assertThat(claim("mail", 10, T0)).isEmpty();
      assertThat(other.jobs().claim(new ClaimRequest(NODE_B, "mail", 10, T0, LEASE))).isEmpty();
      assertThat(claim("other", 10, T0)).hasSize(1);
      store.admin().setPaused("mail", true, "root", T0); // idempotent
      other.admin().setPaused("mail", false, "root", T0);
      assertThat(store.admin().pausedQueues()).isEmpty();
      assertThat(claim("mail", 10, T0)).hasSize(1);
    }

    @Test
    void purgeDeletesOnlyFinishedJobsOfTheStatesAndAgeGivenWithTheirHistoryAndRequests() {
      Job oldOk = finish(aJob().build(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0);
      Job oldFailed = finish(aJob().build(), new Outcome.Failed(JobError.of("x", "y")), T0);
      NewJob gated = aJob().awaitingApproval("r").build();
      insert(gated);
      store.approvals().decide(gated.approval().orElseThrow().id(), new Decision(ApprovalStatus.REJECTED, "carol", T0, "no"));
      Job recent = finish(aJob().build(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(3600));
      Job waiting = insert(aJob().queue("idle").build());

      assertThat(store.admin().purge(T0.plusSeconds(1), Set.of(JobStatus.SUCCEEDED), 100)).isEqualTo(1);
      assertThat(store.jobs().find(oldOk.id())).isEmpty();
      assertThat(store.jobs().events(oldOk.id())).isEmpty();
      assertThat(store.jobs().find(oldFailed.id())).isPresent();

      assertThat(store.admin().purge(T0.plusSeconds(1), JobStatus.terminal(), 1)).isEqualTo(1);
      assertThat(store.admin().purge(T0.plusSeconds(1), JobStatus.terminal(), 100)).isEqualTo(1);
      assertThat(store.admin().purge(T0.plusSeconds(1), JobStatus.terminal(), 100)).isZero();
      assertThat(store.jobs().find(oldFailed.id())).isEmpty();
      assertThat(store.jobs().find(gated.id())).isEmpty();
      assertThat(store.approvals().find(gated.approval().orElseThrow().id())).isEmpty();
      assertThat(store.jobs().find(recent.id())).isPresent();
      assertThat(store.jobs().find(waiting.id())).isPresent();
    }

    @Test
    void aPurgedJobLeavesItsCorrelationsListingAndItsIdMayServeAnother() {
      Job old = finish(aJob().id("reused").correlationId("first").build(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0);
      assertThat(store.admin().purge(T0.plusSeconds(1), Set.of(JobStatus.SUCCEEDED), 10)).isEqualTo(1);
      assertThat(ids(JobFilter.all().correlationId("first"))).isEmpty();
      // the same id, created at the same instant, under another correlation id
      insert(aJob().id("reused").correlationId("second").createdAt(old.createdAt()).build());
      assertThat(ids(JobFilter.all().correlationId("first"))).isEmpty();
      assertThat(ids(JobFilter.all().correlationId("second"))).containsExactly("reused");
    }

    @Test
    void finishedCountsGroupByQueueFunctionAndState() {
      finish(aJob().function("a").build(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0);
      finish(aJob().function("a").build(), new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()), T0.plusSeconds(10));
      finish(aJob().function("b").build(), new Outcome.Failed(JobError.of("x", "y")), T0.plusSeconds(20));
      finish(
          aJob().function("a").createdAt(T0.minusSeconds(600)).dueAt(T0.minusSeconds(600)).build(),
          new Outcome.Succeeded(JsonNodeFactory.instance.nullNode()),
          T0.minusSeconds(600));
      insert(aJob().function("a").queue("idle").build());
      assertThat(store.admin().finishedSince(T0))
          .containsExactlyInAnyOrder(
              new FinishedCount("default", "a", JobStatus.SUCCEEDED, 2),
              new FinishedCount("default", "b", JobStatus.FAILED, 1));
    }

    @Test
    void nodesKeepTheirWorkersPerQueueAcrossHeartbeats() {
      store.nodes().register(new NodeInfo(NODE_A, T0, T0, 0, 6, Map.of("default", 4, "mail", 2)));
      store.nodes().heartbeat(NODE_A, T0.plusSeconds(2), 3, 6);
      NodeInfo n = peer().nodes().list().get(0);
      assertThat(n.workers()).isEqualTo(Map.of("default", 4, "mail", 2));
      assertThat(n.busy()).isEqualTo(3);
      assertThat(n.lastHeartbeatAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void aRetryKeepsTheHistoryBounded() {
      NewJob n = aJob().maxAttempts(1).build();
      insert(n);
      int rounds = JobStore.MAX_HISTORY / 2 + 10;
      for (int i = 0; i < rounds; i++) {
        store.jobs().requestCancel(n.id(), T0, "alice");
        store.jobs().retry(n.id(), T0, "alice");
      }
      List<JobEvent> events = store.jobs().events(n.id());
      assertThat(events).hasSizeLessThanOrEqualTo(JobStore.MAX_HISTORY);
      assertThat(events.get(0).from()).isEmpty();
      assertThat(events.get(events.size() - 1).detail()).isEqualTo("retry");
    }
  }
}
