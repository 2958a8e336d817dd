package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.memory.InMemoryStore;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Docket.as(principal): a caller sees and changes only its own jobs; admin sees all. */
class OwnershipTest {

  private final Principal alice = Principal.user("alice");
  private final Principal bob = Principal.user("bob");
  private final Principal admin = Principal.of("root", Role.ADMIN);
  private final Principal approver = Principal.of("ann", Role.APPROVER);
  private ManualDocket m;
  private Job alicesJob;

  @BeforeEach
  void setUp() {
    m =
        ManualDocket.of(
            Docket.builder()
                .store(new InMemoryStore())
                .handler(
                    "fail",
                    ctx -> {
                      throw new RuntimeException("x");
                    }),
            MutableClock.start());
    alicesJob =
        m.as(alice)
            .jobs()
            .submit(JobRequest.builder("fail").correlationId("shared").maxAttempts(1).build());
    m.as(bob).jobs().submit(JobRequest.builder("fail").correlationId("shared").build());
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private static void notFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void ownerIsTheSubmittingPrincipal() {
    assertThat(alicesJob.owner()).isEqualTo("alice");
    assertThat(m.as(alice).jobs().get(alicesJob.id())).isEqualTo(alicesJob);
  }

  @Test
  void anotherUserGetsNotFoundNeverAccessDenied() {
    JobQueue bobs = m.as(bob).jobs();
    notFound(() -> bobs.get(alicesJob.id()));
    assertThat(bobs.find(alicesJob.id())).isEmpty();
    notFound(() -> bobs.cancel(alicesJob.id()));
    notFound(() -> bobs.events(alicesJob.id()));
    notFound(() -> bobs.retry(alicesJob.id()));
    assertThat(bobs.list(JobFilter.all(), 50).items()).extracting(Job::owner).containsOnly("bob");
    assertThat(bobs.list(JobFilter.all().owner("alice"), 50).items()).extracting(Job::owner).containsOnly("bob");
    assertThat(bobs.byCorrelation("shared", 50).items()).extracting(Job::owner).containsOnly("bob");
    assertThat(bobs.depth("default").queued()).isEqualTo(1);
    // and nothing changed for alice
    assertThat(m.as(alice).jobs().get(alicesJob.id()).status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void reusingAnotherOwnersJobIdIsAConflictThatRevealsNothing() {
    JobRequest same = JobRequest.builder("fail").jobId(alicesJob.id()).build();
    assertThatThrownBy(() -> m.as(bob).jobs().submit(same))
        .isInstanceOf(JobIdConflictException.class)
        .hasMessageNotContaining("alice");
    assertThat(m.as(alice).jobs().submit(same)).isEqualTo(alicesJob);
  }

  @Test
  void adminSeesAndActsOnEveryonesJobs() {
    JobQueue root = m.as(admin).jobs();
    assertThat(root.get(alicesJob.id()).owner()).isEqualTo("alice");
    assertThat(root.list(JobFilter.all(), 50).items()).hasSize(2);
    assertThat(root.list(JobFilter.all().owner("bob"), 50).items()).extracting(Job::owner).containsOnly("bob");
    assertThat(root.byCorrelation("shared", 50).items()).hasSize(2);
    assertThat(root.depth("default").queued()).isEqualTo(2);
    assertThat(root.events(alicesJob.id())).isNotEmpty();
    assertThat(root.cancel(alicesJob.id()).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(root.events(alicesJob.id()).get(1).by()).isEqualTo("root");
    assertThat(root.retry(alicesJob.id()).status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void ownersMayCancelAndRetryTheirOwnJobs() {
    JobQueue alices = m.as(alice).jobs();
    assertThat(alices.cancel(alicesJob.id()).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(alices.retry(alicesJob.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(alices.events(alicesJob.id())).extracting(JobEvent::by).contains("alice");
  }

  @Test
  void aPrincipalWithoutTheUserRoleMayNotSubmit() {
    assertThatThrownBy(() -> m.as(approver).jobs().submit(JobRequest.builder("fail").build()))
        .isInstanceOfSatisfying(AccessDeniedException.class, e -> assertThat(e.principalId()).isEqualTo("ann"));
    assertThat(m.as(approver).jobs().list(JobFilter.all(), 50).items()).isEmpty();
    assertThat(m.as(admin).jobs().list(JobFilter.all(), 50).items()).hasSize(2);
  }
}
