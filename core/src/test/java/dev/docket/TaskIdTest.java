package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskIdTest {

  @Test
  void randomIdsArePrefixedLowercaseHexAndDistinct() {
    TaskId a = TaskId.random();
    TaskId b = TaskId.random();

    assertThat(a.value()).matches("tsk_[0-9a-f]{24}");
    assertThat(a).isNotEqualTo(b);
    assertThat(TaskId.of(a.value())).isEqualTo(a);
    assertThat(a.toString()).isEqualTo(a.value());
  }

  @Test
  void malformedIdsAreRejectedNamingTaskId() {
    assertThatThrownBy(() -> TaskId.of("has space"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("taskId"));
    assertThatThrownBy(() -> TaskId.of(""))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("taskId"));
  }

  @Test
  void idsAreBoundedSoThatFireJobIdsFitInAJobId() {
    assertThat(TaskId.of("t".repeat(110)).value()).hasSize(110);
    assertThatThrownBy(() -> TaskId.of("t".repeat(111)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("taskId");
              assertThat(e.reason()).contains("is 111 characters long; at most 110 are allowed");
            });
  }

  @Test
  void idsCompareByText() {
    assertThat(TaskId.of("a")).isLessThan(TaskId.of("b"));
  }
}
