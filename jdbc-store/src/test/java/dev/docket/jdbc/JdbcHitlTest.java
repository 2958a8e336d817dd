package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.ApprovalConflictException;
import dev.docket.ApprovalRequest;
import dev.docket.ApprovalSpec;
import dev.docket.ApprovalStatus;
import dev.docket.Docket;
import dev.docket.HitlGate;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.Principal;
import dev.docket.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval gate on real databases: restarts, and decisions racing from two engines. */
class JdbcHitlTest {

  private static final Principal ALICE = Principal.user("alice");
  private static final Principal CAROL = Principal.of("carol", Role.APPROVER);
  private static final Principal DAVE = Principal.of("dave", Role.APPROVER);
  private static final int ROUNDS = 60;

  private final Opened open = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    open.close();
  }

  private Docket started(JdbcStore store, String node, AtomicInteger runs) {
    Docket d =
        Docket.builder()
            .store(store)
            .nodeId(node)
            .workers("default", 2)
            .handler("send_all", ctx -> runs.incrementAndGet())
            .build();
    open.add(d);
    return d.start();
  }

  private static JobRequest toolCall() {
    return JobRequest.builder("send_all").args("{\"to\": \"everyone\"}").approval(ApprovalSpec.of("mass mail")).build();
  }

  @TempDir Path dir;

  @Test
  void aPendingRequestSurvivesAnEngineRestartOnH2AndIsApprovableAfterwards() {
    AtomicInteger runs = new AtomicInteger();
    ApprovalRequest req;
    Job job;
    try (Docket first = Docket.builder().store(JdbcStore.h2(dir)).handler("send_all", ctx -> runs.incrementAndGet()).build().start()) {
      job = first.as(ALICE).jobs().submit(toolCall());
      req = first.as(ALICE).hitl().forJob(job.id()).orElseThrow();
    }
    try (Docket second = Docket.builder().store(JdbcStore.h2(dir)).handler("send_all", ctx -> runs.incrementAndGet()).build().start()) {
      assertThat(second.jobs().get(job.id()).status()).isEqualTo(JobStatus.AWAITING_APPROVAL);
      assertThat(second.as(CAROL).hitl().pending(10).items()).containsExactly(req);
      assertThat(runs).hasValue(0);
      ApprovalRequest approved = second.as(CAROL).hitl().approve(req.id(), "after the restart");
      assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
      await().atMost(Duration.ofSeconds(20)).until(() -> second.jobs().get(job.id()).status() == JobStatus.SUCCEEDED);
      assertThat(runs).hasValue(1);
      assertThat(second.jobs().events(job.id()))
          .extracting(JobEvent::to)
          .containsExactly(JobStatus.AWAITING_APPROVAL, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    }
    try (Docket third = Docket.builder().store(JdbcStore.h2(dir)).handler("send_all", ctx -> null).build()) {
      ApprovalRequest back = third.hitl().get(req.id());
      assertThat(back.decidedBy()).contains("carol");
      assertThat(back.decisionNote()).contains("after the restart");
    }
  }

  @Test
  void racingDecisionsFromTwoEnginesOnOneH2DatabaseHaveOneWinner() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (var pool = H2.pool(dir)) {
      Docket a = started(JdbcStore.create(pool), "node-a", runs);
      Docket b = started(JdbcStore.create(pool), "node-b", runs);
      race(a, b, runs);
    }
  }

  @Nested
  @RequiresPostgres
  @Tag("multinode")
  class OnPostgres {
    private final String prefix = open.newTablePrefix(); // dropped by closeAll, after the engines

    @Test
    void racingDecisionsFromTwoNodesHaveExactlyOneWinner() throws Exception {
      AtomicInteger runs = new AtomicInteger();
      var poolA = PostgresDatabase.pool(6);
      var poolB = PostgresDatabase.pool(6);
      open.add(poolA);
      open.add(poolB);
      Docket a = started(JdbcStore.builder(poolA).tablePrefix(prefix).build(), "node-a", runs);
      Docket b = started(JdbcStore.builder(poolB).tablePrefix(prefix).build(), "node-b", runs);
      race(a, b, runs);
    }
  }

  /** Each round, one node approves and the other rejects the same request at the same instant. */
  private static void race(Docket a, Docket b, AtomicInteger runs) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    int approvedRounds = 0;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        Job job = a.as(ALICE).jobs().submit(toolCall());
        ApprovalRequest req = b.as(ALICE).hitl().forJob(job.id()).orElseThrow();
        CyclicBarrier start = new CyclicBarrier(2);
        HitlGate onA = a.as(CAROL).hitl();
        HitlGate onB = b.as(DAVE).hitl();
        Future<Optional<ApprovalRequest>> approve =
            threads.submit(
                () -> {
                  start.await();
                  return decided(() -> onA.approve(req.id(), "yes"));
                });
        Future<Optional<ApprovalRequest>> reject =
            threads.submit(
                () -> {
                  start.await();
                  return decided(() -> onB.reject(req.id(), "no"));
                });
        Optional<ApprovalRequest> approved = approve.get(30, TimeUnit.SECONDS);
        Optional<ApprovalRequest> rejected = reject.get(30, TimeUnit.SECONDS);
        assertThat(approved.isPresent() ^ rejected.isPresent()).as("round %d: exactly one winner", round).isTrue();
        ApprovalRequest stored = a.hitl().get(req.id());
        assertThat(stored.status()).isEqualTo(approved.isPresent() ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED);
        assertThat(stored.decidedBy()).contains(approved.isPresent() ? "carol" : "dave");
        assertThat(b.jobs().events(job.id()))
            .filteredOn(e -> e.from().equals(Optional.of(JobStatus.AWAITING_APPROVAL)))
            .hasSize(1);
        if (approved.isPresent()) {
          approvedRounds++;
        } else {
          assertThat(a.jobs().get(job.id()).status()).isEqualTo(JobStatus.REJECTED);
        }
      }
    } finally {
      threads.shutdownNow();
    }
    int expected = approvedRounds;
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == expected);
    assertThat(runs).hasValue(expected);
  }

  private static Optional<ApprovalRequest> decided(java.util.function.Supplier<ApprovalRequest> decision) {
    try {
      return Optional.of(decision.get());
    } catch (ApprovalConflictException e) {
      return Optional.empty();
    }
  }
}
