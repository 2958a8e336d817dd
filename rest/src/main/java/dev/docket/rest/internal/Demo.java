package dev.docket.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.Docket;
import dev.docket.JobCancelledException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code --demo} handlers and logging ports of the runnable server. */
public final class Demo {

  private static final Logger log = LoggerFactory.getLogger(Demo.class);

  private Demo() {}

  /** Registers {@code echo}, {@code sleep}, {@code fail} and the built-in actions with logging ports. */
  public static Docket.Builder register(Docket.Builder b) {
    return loggingPorts(handlers(b));
  }

  /** The built-in actions {@code send_message}, {@code trigger_ai}, {@code run_query} with ports that log. */
  public static Docket.Builder loggingPorts(Docket.Builder b) {
    return b.messageSender((room, content) -> log.info("send_message to {}: {}", room, content))
        .aiTrigger(
            (room, prompt) -> {
              log.info("trigger_ai in {}: {}", room, prompt);
              return null;
            })
        .notesQuery(
            (query, owner) -> {
              log.info("run_query {} for {}", query, owner);
              return JsonNodeFactory.instance.arrayNode();
            });
  }

  private static Docket.Builder handlers(Docket.Builder b) {
    return b.handler("echo", ctx -> ctx.args())
        .handler(
            "sleep",
            ctx -> {
              JsonNode s = ctx.args().get("seconds");
              double seconds = s == null || !s.isNumber() ? 1 : Math.max(0, Math.min(3600, s.doubleValue()));
              Instant until = ctx.clock().instant().plusMillis((long) (seconds * 1000));
              while (ctx.clock().instant().isBefore(until)) {
                if (ctx.isCancelled()) {
                  throw new JobCancelledException(ctx.jobId());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a slice of "work"
                if (Thread.interrupted()) {
                  throw new InterruptedException("sleep interrupted");
                }
              }
              return JsonNodeFactory.instance.objectNode().put("slept_seconds", seconds);
            })
        .handler(
            "fail",
            ctx -> {
              JsonNode m = ctx.args().get("message");
              throw new IllegalStateException(m == null ? "failed on purpose" : m.asText());
            });
  }

  /** How long the demo's {@code sleep} handler may be asked to sleep. */
  static final Duration MAX_SLEEP = Duration.ofHours(1);
}
