package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.Job;
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
    QuickstartMain.Summary s = QuickstartMain.run(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);

    assertThat(s.batch()).hasSize(3);
    assertThat(s.retried().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(s.retried().attempts()).isEqualTo(2);
    assertThat(s.deferred().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(Duration.between(s.deferred().createdAt(), s.deferred().startedAt().orElseThrow()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(s.cancelled().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(s.group()).hasSize(3).allMatch(j -> j.correlationId().orElseThrow().equals("order-42"));
    assertThat(s.group()).extracting(Job::status).containsOnly(JobStatus.SUCCEEDED);

    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("Hello, Ada!").contains("the printer is on fire").contains("order-42");
  }
}
