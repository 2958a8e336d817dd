package dev.docket.examples;

import static dev.docket.JobStatus.QUEUED;
import static dev.docket.JobStatus.RUNNING;
import static dev.docket.JobStatus.SCHEDULED;
import static dev.docket.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartMainTest {

  @TempDir Path dir;

  @Test
  void quickStartShowsEachMoveOfTheQueue() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    QuickstartMain.Summary s =
        QuickstartMain.run(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);

    assertThat(s.batch()).hasSize(3);

    assertThat(s.retried().status()).isEqualTo(SUCCEEDED);
    assertThat(s.retried().attempts()).isEqualTo(2);
    assertThat(s.retriedHistory())
        .extracting(JobEvent::to)
        .containsExactly(QUEUED, RUNNING, SCHEDULED, QUEUED, RUNNING, SUCCEEDED);
    JobEvent failed = s.retriedHistory().get(2);
    JobEvent due = s.retriedHistory().get(3);
    assertThat(failed.detail()).contains("IllegalStateException: the printer is on fire");
    assertThat(Duration.between(failed.at(), due.at())).isGreaterThanOrEqualTo(Duration.ofMillis(200));

    assertThat(s.deferred().status()).isEqualTo(SUCCEEDED);
    assertThat(Duration.between(s.deferred().createdAt(), s.deferred().startedAt().orElseThrow()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));

    assertThat(s.cancelled().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(s.cancelled().result()).isEmpty();

    assertThat(s.group()).hasSize(3);
    assertThat(s.group()).allMatch(j -> j.correlationId().orElseThrow().equals("order-42"));
    assertThat(s.group()).extracting(Job::status).containsOnly(SUCCEEDED);
    assertThat(s.group()) // newest first
        .extracting(j -> j.result().orElseThrow().asText())
        .containsExactly("Hello, ship!", "Hello, charge!", "Hello, reserve!");

    assertThat(s.approval().status()).isEqualTo(dev.docket.ApprovalStatus.APPROVED);
    assertThat(s.approval().decidedBy()).contains("ops-lead");
    assertThat(s.approved().status()).isEqualTo(SUCCEEDED);
    assertThat(s.approved().owner()).isEqualTo("assistant-bot");

    assertThat(s.weekly().nextRunAt()).isPresent();
    assertThat(s.weeklyNext()).hasSize(3);
    assertThat(s.weeklyNext())
        .allSatisfy(
            i -> {
              var local = i.atZone(java.time.ZoneId.of("Europe/Amsterdam"));
              assertThat(local.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
              assertThat(local.getHour()).isEqualTo(9);
              assertThat(local.getMinute()).isZero();
            });
    assertThat(s.fired().status()).isEqualTo(SUCCEEDED);
    assertThat(s.fired().function()).isEqualTo("send_message");
    assertThat(s.fired().owner()).isEqualTo("assistant-bot");

    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("Hello, Ada!", "Hello, Grace!", "Hello, Linus!")
        .contains("the printer is on fire")
        .contains("SUCCEEDED after 2 of 3 attempts")
        .contains("cancelRequested=true")
        .contains("order-42")
        .contains("AWAITING_APPROVAL")
        .contains("APPROVED by ops-lead")
        .contains("posted to #general")
        .contains("Weekly status update")
        .contains("room-…: Monday status check")
        .contains("the engine is closed");
  }
}
