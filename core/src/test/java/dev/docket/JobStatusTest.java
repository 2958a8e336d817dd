package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobStatusTest {

  private static final JobId ID = JobId.of("j-1");

  @Test
  void tableAllowsExactlyTheDesignedTransitions() {
    assertThat(JobStatus.SCHEDULED.next()).containsExactlyInAnyOrder(JobStatus.QUEUED, JobStatus.CANCELLED);
    assertThat(JobStatus.QUEUED.next()).containsExactlyInAnyOrder(JobStatus.RUNNING, JobStatus.CANCELLED);
    assertThat(JobStatus.AWAITING_APPROVAL.next())
        .containsExactlyInAnyOrder(
            JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.REJECTED, JobStatus.EXPIRED, JobStatus.CANCELLED);
    assertThat(JobStatus.RUNNING.next())
        .containsExactlyInAnyOrder(
            JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.SCHEDULED, JobStatus.QUEUED, JobStatus.CANCELLED);
    assertThat(JobStatus.FAILED.next()).containsExactly(JobStatus.QUEUED);
    assertThat(JobStatus.CANCELLED.next()).containsExactly(JobStatus.QUEUED);
    assertThat(JobStatus.SUCCEEDED.next()).isEmpty();
    assertThat(JobStatus.REJECTED.next()).isEmpty();
    assertThat(JobStatus.EXPIRED.next()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void everyPairIsEitherLegalOrATypedError(JobStatus from) {
    for (JobStatus to : JobStatus.values()) {
      if (from.canTransitionTo(to)) {
        assertThatCode(() -> JobStatus.check(ID, from, to)).doesNotThrowAnyException();
        assertThat(to.previous()).contains(from);
      } else {
        assertThatThrownBy(() -> JobStatus.check(ID, from, to))
            .isInstanceOfSatisfying(
                IllegalJobStateException.class,
                e -> {
                  assertThat(e.jobId()).isEqualTo(ID);
                  assertThat(e.from()).isEqualTo(from);
                  assertThat(e.to()).isEqualTo(to);
                  assertThat(e.getMessage()).contains(from.name()).contains(to.name());
                })
            .isInstanceOf(DocketException.class);
      }
    }
  }

  @Test
  void onlyWaitingStatesMayStartAJob() {
    Set<JobStatus> initial = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : JobStatus.values()) {
      if (s.isInitial()) {
        initial.add(s);
        assertThatCode(() -> JobStatus.check(ID, null, s)).doesNotThrowAnyException();
      } else {
        assertThatThrownBy(() -> JobStatus.check(ID, null, s)).isInstanceOf(IllegalJobStateException.class);
      }
    }
    assertThat(initial).containsExactlyInAnyOrder(JobStatus.SCHEDULED, JobStatus.QUEUED, JobStatus.AWAITING_APPROVAL);
  }

  @Test
  void terminalStatesChangeOnlyByRetry() {
    assertThat(JobStatus.terminal())
        .containsExactlyInAnyOrder(
            JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.REJECTED, JobStatus.EXPIRED);
    for (JobStatus t : JobStatus.terminal()) {
      assertThat(t.next()).isSubsetOf(JobStatus.QUEUED);
    }
  }

  @Test
  void wireNamesRoundTrip() {
    for (JobStatus s : JobStatus.values()) {
      assertThat(JobStatus.parse(s.wireName())).isEqualTo(s);
    }
    assertThat(JobStatus.AWAITING_APPROVAL.wireName()).isEqualTo("awaiting_approval");
    assertThatThrownBy(() -> JobStatus.parse("done"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("status"));
  }
}
