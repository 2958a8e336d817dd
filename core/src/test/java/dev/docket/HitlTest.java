package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The approval gate through the engine's API, on a fake clock. */
class HitlTest {

  private final MutableClock clock = MutableClock.start();
  private final InMemoryStore store = new InMemoryStore();
  private final List<DocketEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger runs = new AtomicInteger();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private static final Principal ALICE = Principal.user("alice");
  private static final Principal MALLORY = Principal.user("mallory");
  private static final Principal BOB = Principal.user("bob");
  private static final Principal CAROL = Principal.of("carol", Role.USER, Role.APPROVER);
  private static final Principal ROOT = Principal.of("root", Role.ADMIN);

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Docket.Builder builder() {
    return Docket.builder()
        .store(store)
        .workers("default", 2)
        .prefetch(0)
        .listener(events::add)
        .handler(
            "post_to_channel",
            ctx -> {
              runs.incrementAndGet();
              return "posted";
            });
  }

  private ManualDocket manual(Docket.Builder b) {
    ManualDocket m = ManualDocket.of(b, clock);
    toClose.add(m);
    return m;
  }

  private static JobRequest toolCall(ApprovalSpec spec) {
    return JobRequest.builder("post_to_channel")
        .args("{\"channel\": \"#all\", \"text\": \"hello\"}")
        .approval(spec)
        .build();
  }

  private ApprovalRequest submitAsAlice(ManualDocket m, ApprovalSpec spec) {
    Job j = m.as(ALICE).jobs().submit(toolCall(spec));
    assertThat(j.status()).isEqualTo(JobStatus.AWAITING_APPROVAL);
    return m.as(ALICE).hitl().forJob(j.id()).orElseThrow();
  }

  @Test
  void approvedToolCallRunsAndTheDecisionIsRecordedEverywhere() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("posts to 4,000 people"));
    assertThat(req.status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(req.requestedBy()).isEqualTo("alice");
    assertThat(req.reason()).isEqualTo("posts to 4,000 people");
    assertThat(req.args().get("channel").asText()).isEqualTo("#all");

    clock.advance(Duration.ofHours(1));
    assertThat(m.runDueAndWait()).isZero();
    assertThat(runs).hasValue(0);

    clock.advance(Duration.ofMinutes(1));
    ApprovalRequest decided = m.as(CAROL).hitl().approve(req.id(), "ok, once");
    assertThat(decided.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(decided.decision())
        .contains(new Decision(ApprovalStatus.APPROVED, "carol", clock.instant(), "ok, once"));
    assertThat(m.jobs().get(req.jobId()).status()).isEqualTo(JobStatus.QUEUED);

    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(runs).hasValue(1);
    assertThat(m.jobs().get(req.jobId()).status()).isEqualTo(JobStatus.SUCCEEDED);

    List<JobEvent> history = m.jobs().events(req.jobId());
    assertThat(history).extracting(JobEvent::to)
        .containsExactly(JobStatus.AWAITING_APPROVAL, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    assertThat(history.get(1).by()).isEqualTo("carol");
    assertThat(history.get(1).detail()).contains("ok, once");

    assertThat(events)
        .filteredOn(e -> e instanceof DocketEvent.ApprovalChanged)
        .extracting(e -> ((DocketEvent.ApprovalChanged) e).request().status())
        .containsExactly(ApprovalStatus.PENDING, ApprovalStatus.APPROVED);
    assertThat(events)
        .filteredOn(e -> e instanceof DocketEvent.JobChanged c && c.event().from().equals(Optional.of(JobStatus.AWAITING_APPROVAL)))
        .extracting(e -> ((DocketEvent.JobChanged) e).event().by())
        .containsExactly("carol");
  }

  @Test
  void rejectionEndsTheJobRejectedAndItNeverRuns() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("r"));
    ApprovalRequest rejected = m.as(CAROL).hitl().reject(req.id(), "not to everyone");
    assertThat(rejected.status()).isEqualTo(ApprovalStatus.REJECTED);
    assertThat(rejected.decisionNote()).contains("not to everyone");
    Job j = m.as(ALICE).jobs().get(req.jobId());
    assertThat(j.status()).isEqualTo(JobStatus.REJECTED);
    assertThat(j.finishedAt()).contains(clock.instant());
    m.runDueAndWait();
    assertThat(runs).hasValue(0);
    assertThatThrownBy(() -> m.as(ALICE).jobs().retry(req.jobId())).isInstanceOf(IllegalJobStateException.class);
    assertThat(m.as(ALICE).hitl().get(req.id()).decidedBy()).contains("carol");
  }

  @Test
  void rejectionNeedsAReason() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("r"));
    assertThatThrownBy(() -> m.as(CAROL).hitl().reject(req.id(), "  "))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("reason"));
    assertThatThrownBy(() -> m.as(CAROL).hitl().approve(req.id(), "x".repeat(Decision.MAX_NOTE + 1)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("note"));
    assertThat(m.hitl().get(req.id()).isPending()).isTrue();
  }

  @Test
  void anUndecidedRequestExpiresOnTheClock() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("r").expiresIn(Duration.ofMinutes(30)));
    assertThat(req.expiresAt()).contains(clock.instant().plus(Duration.ofMinutes(30)));
    clock.advance(Duration.ofMinutes(29));
    assertThat(m.expireApprovals()).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(m.expireApprovals()).isEqualTo(1);
    ApprovalRequest expired = m.hitl().get(req.id());
    assertThat(expired.status()).isEqualTo(ApprovalStatus.EXPIRED);
    assertThat(expired.decidedBy()).contains("system");
    assertThat(m.jobs().get(req.jobId()).status()).isEqualTo(JobStatus.EXPIRED);
    assertThatThrownBy(() -> m.as(CAROL).hitl().approve(req.id()))
        .isInstanceOfSatisfying(
            ApprovalConflictException.class, e -> assertThat(e.current()).isEqualTo(ApprovalStatus.EXPIRED));
    m.runDueAndWait();
    assertThat(runs).hasValue(0);
  }

  @Test
  void cancellingAWaitingJobClosesItsRequest() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("r"));
    Job cancelled = m.as(ALICE).jobs().cancel(req.jobId());
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(events)
        .filteredOn(e -> e instanceof DocketEvent.ApprovalChanged)
        .extracting(e -> ((DocketEvent.ApprovalChanged) e).request().status())
        .containsExactly(ApprovalStatus.PENDING, ApprovalStatus.CANCELLED);
    ApprovalRequest closed = m.as(ALICE).hitl().get(req.id());
    assertThat(closed.status()).isEqualTo(ApprovalStatus.CANCELLED);
    assertThat(closed.decidedBy()).contains("alice");
    assertThat(m.as(CAROL).hitl().pending(10).items()).isEmpty();
    assertThatThrownBy(() -> m.as(CAROL).hitl().approve(req.id())).isInstanceOf(ApprovalConflictException.class);
    assertThatThrownBy(() -> m.as(ALICE).jobs().retry(req.jobId()))
        .isInstanceOf(IllegalJobStateException.class)
        .hasMessageContaining("never approved");
  }

  @Test
  void theRequesterMayNotApproveItsOwnRequestEvenWithTheApproverRole() {
    ManualDocket m = manual(builder());
    Job j = m.as(CAROL).jobs().submit(toolCall(ApprovalSpec.of("r")));
    ApprovalRequest req = m.as(CAROL).hitl().forJob(j.id()).orElseThrow();
    assertThatThrownBy(() -> m.as(CAROL).hitl().approve(req.id()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("its own request");
    assertThat(m.as(CAROL).hitl().pending(10).items()).isEmpty();
    assertThat(m.as(ALICE).jobs().find(j.id())).isEmpty();
    assertThatThrownBy(() -> m.as(ALICE).hitl().approve(req.id())).isInstanceOf(ApprovalNotFoundException.class);
    assertThat(m.hitl().get(req.id()).isPending()).isTrue();
  }

  @Test
  void selfApprovalWorksWhenThePolicyAllowsIt() {
    ManualDocket m = manual(builder().selfApproval(SelfApproval.ALLOWED));
    Job j = m.as(CAROL).jobs().submit(toolCall(ApprovalSpec.of("r")));
    ApprovalRequest req = m.as(CAROL).hitl().forJob(j.id()).orElseThrow();
    assertThat(m.as(CAROL).hitl().pending(10).items()).extracting(ApprovalRequest::id).containsExactly(req.id());
    assertThat(m.as(CAROL).hitl().approve(req.id()).status()).isEqualTo(ApprovalStatus.APPROVED);
    // the policy never lets a caller without a deciding role approve
    Job k = m.as(ALICE).jobs().submit(toolCall(ApprovalSpec.of("r")));
    ApprovalRequest own = m.as(ALICE).hitl().forJob(k.id()).orElseThrow();
    assertThatThrownBy(() -> m.as(ALICE).hitl().approve(own.id())).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void aCallerWhoMayNotSeeTheRequestGetsNotFound() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("r").approvers("bob"));
    assertThat(m.as(MALLORY).hitl().find(req.id())).isEmpty();
    assertThat(m.as(MALLORY).hitl().forJob(req.jobId())).isEmpty();
    assertThat(m.as(MALLORY).hitl().pending(10).items()).isEmpty();
    assertThatThrownBy(() -> m.as(MALLORY).hitl().get(req.id())).isInstanceOf(ApprovalNotFoundException.class);
    assertThatThrownBy(() -> m.as(MALLORY).hitl().approve(req.id()))
        .isInstanceOf(ApprovalNotFoundException.class)
        .hasMessageNotContaining("alice");
    assertThatThrownBy(() -> m.as(MALLORY).hitl().reject(req.id(), "no")).isInstanceOf(ApprovalNotFoundException.class);
    assertThatThrownBy(() -> m.as(MALLORY).hitl().approve(ApprovalId.of("apr_nope")))
        .isInstanceOf(ApprovalNotFoundException.class);
    // the requester sees its own request but cannot decide it
    assertThat(m.as(ALICE).hitl().get(req.id()).id()).isEqualTo(req.id());
    assertThatThrownBy(() -> m.as(ALICE).hitl().approve(req.id())).isInstanceOf(AccessDeniedException.class);
    assertThat(m.hitl().get(req.id()).isPending()).isTrue();
  }

  @Test
  void aNamedApproverDecidesWithoutTheRoleAndSeesOnlyItsOwnRequests() {
    ManualDocket m = manual(builder());
    ApprovalRequest forBob = submitAsAlice(m, ApprovalSpec.of("r").approvers("bob"));
    clock.advance(Duration.ofSeconds(1)); // pending lists oldest first
    ApprovalRequest notForBob = submitAsAlice(m, ApprovalSpec.of("r"));
    assertThat(m.as(BOB).hitl().pending(10).items()).extracting(ApprovalRequest::id).containsExactly(forBob.id());
    assertThat(m.as(BOB).hitl().find(notForBob.id())).isEmpty();
    assertThat(m.as(CAROL).hitl().pending(10).items())
        .extracting(ApprovalRequest::id)
        .containsExactly(forBob.id(), notForBob.id());
    assertThat(m.as(ROOT).hitl().pending(10).items()).hasSize(2);
    assertThat(m.as(BOB).hitl().approve(forBob.id()).decidedBy()).contains("bob");
    // an admin sees every request but decides only with the approver role
    assertThat(m.as(ROOT).hitl().get(notForBob.id()).isPending()).isTrue();
    assertThatThrownBy(() -> m.as(ROOT).hitl().reject(notForBob.id(), "no")).isInstanceOf(AccessDeniedException.class);
    Principal adminApprover = Principal.of("boss", Role.ADMIN, Role.APPROVER);
    assertThat(m.as(adminApprover).hitl().reject(notForBob.id(), "no").decidedBy()).contains("boss");
  }

  @Test
  void aRequesterCannotNameItselfAnApprover() {
    ManualDocket m = manual(builder().selfApproval(SelfApproval.ALLOWED));
    assertThatThrownBy(() -> m.as(ALICE).jobs().submit(toolCall(ApprovalSpec.of("r").approvers("alice", "bob"))))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("approval.approvers"));
    assertThat(m.jobs().list(JobFilter.all(), 10).items()).isEmpty();
  }

  @Test
  void theSystemIdIsReservedForTrustedHostCode() {
    ManualDocket m = manual(builder());
    Job hostJob = m.jobs().submit(toolCall(ApprovalSpec.of("r")));
    Principal fake = new Principal("system", Set.of(Role.USER, Role.APPROVER, Role.ADMIN));
    assertThatThrownBy(() -> m.as(fake))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("principal.id"));
    ApprovalRequest req = m.hitl().forJob(hostJob.id()).orElseThrow();
    assertThat(m.hitl().approve(req.id()).status()).isEqualTo(ApprovalStatus.APPROVED); // host code may
  }

  @Test
  void aDecisionAfterTheExpiryLosesEvenBeforeTheSweeperRan() {
    ManualDocket m = manual(builder());
    ApprovalRequest req = submitAsAlice(m, ApprovalSpec.of("r").expiresIn(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(5));
    assertThat(m.as(CAROL).hitl().pending(10).items()).isEmpty();
    assertThatThrownBy(() -> m.as(CAROL).hitl().approve(req.id()))
        .isInstanceOfSatisfying(
            ApprovalConflictException.class, e -> assertThat(e.current()).isEqualTo(ApprovalStatus.EXPIRED));
    m.runDueAndWait();
    assertThat(runs).hasValue(0);
    assertThat(m.expireApprovals()).isEqualTo(1);
  }

  @Test
  void pendingPagesWithACursorAndChecksTheLimit() {
    ManualDocket m = manual(builder());
    List<ApprovalId> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(submitAsAlice(m, ApprovalSpec.of("r" + i)).id());
      clock.advance(Duration.ofSeconds(1));
    }
    List<ApprovalId> seen = new ArrayList<>();
    Page<ApprovalRequest> page = m.as(CAROL).hitl().pending(3);
    seen.addAll(page.items().stream().map(ApprovalRequest::id).toList());
    while (page.hasNext()) {
      page = m.as(CAROL).hitl().pending(page.next().orElseThrow(), 3);
      seen.addAll(page.items().stream().map(ApprovalRequest::id).toList());
    }
    assertThat(seen).containsExactlyElementsOf(ids);
    assertThatThrownBy(() -> m.as(CAROL).hitl().pending(501))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("limit"));
  }

  @Test
  void approvalOfAJobDeferredPastTheDecisionWaitsForItsRunTime() {
    ManualDocket m = manual(builder());
    Job j =
        m.as(ALICE)
            .jobs()
            .submit(
                JobRequest.builder("post_to_channel")
                    .delay(Duration.ofHours(2))
                    .approval(ApprovalSpec.of("later"))
                    .build());
    ApprovalRequest req = m.hitl().forJob(j.id()).orElseThrow();
    m.as(CAROL).hitl().approve(req.id());
    assertThat(m.jobs().get(j.id()).status()).isEqualTo(JobStatus.SCHEDULED);
    assertThat(m.runDueAndWait()).isZero();
    clock.advance(Duration.ofHours(2));
    assertThat(m.runDueAndWait()).isEqualTo(1);
    assertThat(runs).hasValue(1);
  }

  @Test
  void badApprovalSpecsNameTheFieldAndStoreNothing() {
    assertThatThrownBy(() -> ApprovalSpec.of(" "))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("approval.reason"));
    assertThatThrownBy(() -> ApprovalSpec.of("r").approvers("no spaces allowed"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("approval.approvers"));
    assertThatThrownBy(() -> ApprovalSpec.of("r").expiresIn(Duration.ZERO))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("approval.expiresIn"));
    assertThatThrownBy(() -> ApprovalSpec.of("r").expiresIn(Duration.ofDays(400)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("approval.expiresIn"));
    ManualDocket m = manual(builder());
    assertThatThrownBy(
            () ->
                m.as(ALICE).jobs()
                    .submitAll(
                        List.of(
                            toolCall(ApprovalSpec.of("ok")),
                            JobRequest.builder("no_such_handler").approval(ApprovalSpec.of("r")).build())))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("requests[1].function"));
    assertThat(m.hitl().pending(10).items()).isEmpty();
    assertThat(m.jobs().list(JobFilter.all(), 10).items()).isEmpty();
  }

  @Test
  void idempotentResubmitOfAGatedJobCreatesNoSecondRequest() {
    ManualDocket m = manual(builder());
    JobRequest r =
        JobRequest.builder("post_to_channel").jobId("tool-call-1").approval(ApprovalSpec.of("r")).build();
    Job first = m.as(ALICE).jobs().submit(r);
    Job again = m.as(ALICE).jobs().submit(r);
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(m.as(CAROL).hitl().pending(10).items()).hasSize(1);
  }

  @Test
  void gatedJobsNeverRunBeforeApprovalUnderLoad() throws Exception {
    Set<JobId> ran = ConcurrentHashMap.newKeySet();
    Set<JobId> ranBeforeApproval = ConcurrentHashMap.newKeySet();
    Set<JobId> approved = ConcurrentHashMap.newKeySet();
    try (Docket d =
        Docket.builder()
            .store(new InMemoryStore())
            .workers("default", 8)
            .handler(
                "work",
                ctx -> {
                  ran.add(ctx.jobId());
                  if (ctx.args().path("gated").asBoolean() && !approved.contains(ctx.jobId())) {
                    ranBeforeApproval.add(ctx.jobId());
                  }
                  return null;
                })
            .build()
            .start()) {
      List<JobRequest> requests = new ArrayList<>();
      for (int i = 0; i < 11_000; i++) {
        boolean gated = i % 11 == 5;
        JobRequest.Builder b = JobRequest.builder("work").args("{\"gated\": " + gated + "}");
        if (gated) {
          b.approval(ApprovalSpec.of("gated " + i));
        }
        requests.add(b.build());
      }
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < requests.size(); i += 1_000) {
        jobs.addAll(d.as(ALICE).jobs().submitAll(requests.subList(i, i + 1_000)));
      }
      List<Job> gatedJobs = jobs.stream().filter(j -> j.status() == JobStatus.AWAITING_APPROVAL).toList();
      assertThat(gatedJobs).hasSize(1_000);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ran.size() == 10_000);
      assertThat(ran).doesNotContainAnyElementsOf(gatedJobs.stream().map(Job::id).toList());
      assertThat(d.jobs().depth("default").awaitingApproval()).isEqualTo(1_000);

      // approve half while plain work is still arriving, reject the rest
      for (int i = 0; i < gatedJobs.size(); i++) {
        Job g = gatedJobs.get(i);
        ApprovalRequest req = d.hitl().forJob(g.id()).orElseThrow();
        if (i % 2 == 0) {
          approved.add(g.id());
          d.as(CAROL).hitl().approve(req.id());
        } else {
          d.as(CAROL).hitl().reject(req.id(), "no");
        }
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ran.size() == 10_500);
      assertThat(ranBeforeApproval).isEmpty();
      assertThat(ran).containsAll(approved);
      assertThat(d.jobs().list(JobFilter.all().status(JobStatus.REJECTED), 500).items()).hasSize(500);
    }
  }
}
