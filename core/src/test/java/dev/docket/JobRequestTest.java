package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JobRequestTest {

  private static void rejects(String field, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).startsWith(field + ": ");
            });
  }

  @Test
  void defaultsAreSensible() {
    JobRequest r = JobRequest.builder("send-email").build();
    assertThat(r.queue()).isEqualTo("default");
    assertThat(r.priority()).isZero();
    assertThat(r.args().isObject()).isTrue();
    assertThat(r.args().size()).isZero();
    assertThat(r.runAt()).isEmpty();
    assertThat(r.maxAttempts()).isEmpty();
  }

  @Test
  void everyFieldIsKept() {
    Instant at = Instant.parse("2026-02-01T00:00:00Z");
    JobRequest r =
        JobRequest.builder("send-email")
            .args("{\"to\":\"a@b.c\"}")
            .queue("mail")
            .priority(-5)
            .runAt(at)
            .jobId("order-42")
            .correlationId("order:42")
            .maxAttempts(7)
            .timeout(Duration.ofSeconds(3))
            .backoff(Backoff.fixed(Duration.ofSeconds(1)))
            .build();
    assertThat(r.args().get("to").asText()).isEqualTo("a@b.c");
    assertThat(r.queue()).isEqualTo("mail");
    assertThat(r.priority()).isEqualTo(-5);
    assertThat(r.runAt()).contains(at);
    assertThat(r.jobId()).contains(JobId.of("order-42"));
    assertThat(r.correlationId()).contains("order:42");
    assertThat(r.maxAttempts()).hasValue(7);
    assertThat(r.timeout()).contains(Duration.ofSeconds(3));
  }

  @Test
  void argsFromAnObjectBecomeJson() {
    JobRequest r = JobRequest.builder("f").argsFrom(Map.of("n", 3)).build();
    assertThat(r.args().get("n").asInt()).isEqualTo(3);
  }

  @Test
  void badInputNamesTheField() {
    rejects("function", () -> JobRequest.builder("  ").build());
    rejects("function", () -> JobRequest.builder("").build());
    rejects("function", () -> JobRequest.builder("has space").build());
    rejects("function", () -> JobRequest.builder("x".repeat(129)).build());
    rejects("args", () -> JobRequest.builder("f").args("{not json"));
    rejects("args", () -> JobRequest.builder("f").args(""));
    rejects("queue", () -> JobRequest.builder("f").queue("Mail").build());
    rejects("queue", () -> JobRequest.builder("f").queue("").build());
    rejects("queue", () -> JobRequest.builder("f").queue("q".repeat(65)).build());
    rejects("maxAttempts", () -> JobRequest.builder("f").maxAttempts(0).build());
    rejects("maxAttempts", () -> JobRequest.builder("f").maxAttempts(-1).build());
    rejects("maxAttempts", () -> JobRequest.builder("f").maxAttempts(1_001).build());
    rejects("timeout", () -> JobRequest.builder("f").timeout(Duration.ZERO).build());
    rejects("timeout", () -> JobRequest.builder("f").timeout(Duration.ofSeconds(-1)).build());
    rejects("delay", () -> JobRequest.builder("f").delay(Duration.ofSeconds(-1)).build());
    rejects(
        "delay",
        () -> JobRequest.builder("f").delay(Duration.ofSeconds(1)).runAt(Instant.EPOCH).build());
    rejects("jobId", () -> JobRequest.builder("f").jobId("../etc/passwd"));
    rejects("jobId", () -> JobRequest.builder("f").jobId("x".repeat(129)));
    rejects("jobId", () -> JobRequest.builder("f").jobId("a b"));
    rejects("correlationId", () -> JobRequest.builder("f").correlationId("' OR 1=1 --").build());
  }

  @Test
  void pageLimitAndCursorAreChecked() {
    rejects("limit", () -> Page.checkLimit(0));
    rejects("limit", () -> Page.checkLimit(501));
    assertThat(Page.checkLimit(1)).isEqualTo(1);
    assertThat(Page.checkLimit(500)).isEqualTo(500);
    rejects("cursor", () -> Cursor.of("garbage!"));
    rejects("cursor", () -> Cursor.of("djF8MXwy")); // base64 of "v1|1|2": too few parts
    Cursor c = Cursor.after(Instant.parse("2026-01-01T00:00:00.123456789Z"), "job-1");
    assertThat(Cursor.of(c.value()).createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456789Z"));
    assertThat(Cursor.of(c.value()).id()).isEqualTo("job-1");
  }

  @Test
  void backoffGrowsCapsAndJitters() {
    Backoff b = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.0);
    assertThat(b.delay(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delay(2, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.delay(4, () -> 0.5)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.delay(5, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.delay(500, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
    Backoff j = b.withJitter(0.2);
    assertThat(j.delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(1_600));
    assertThat(j.delay(2, () -> 0.999999)).isBetween(Duration.ofMillis(2_399), Duration.ofMillis(2_400));
    assertThat(Backoff.parse(j.spec())).isEqualTo(j);
    rejects("backoff.initial", () -> Backoff.fixed(Duration.ZERO));
    rejects("backoff.jitter", () -> b.withJitter(1.5));
    rejects("backoff.multiplier", () -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2), 0));
    rejects("backoff.max", () -> new Backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0));
  }
}
