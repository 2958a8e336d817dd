package dev.docket.examples;

import dev.docket.ApprovalRequest;
import dev.docket.ApprovalSpec;
import dev.docket.Backoff;
import dev.docket.Docket;
import dev.docket.DocketEvent;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobId;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.Principal;
import dev.docket.ScheduledTask;
import dev.docket.TaskSpec;
import dev.docket.action.MessageSender;
import dev.docket.jdbc.JdbcStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Docket's quick start: an engine on the embedded H2 default, a few handlers, and the queue's main
 * moves — a batch, a retry, a deferred job, a cancellation and a correlation group — then a plugin
 * tool call that waits for a human's approval, and a cron scheduled task that fires. Runs in a few
 * seconds and exits by itself: closing the engine stops its worker threads.
 */
public final class QuickstartMain {

  /** What the run showed, for the test that runs it. */
  public record Summary(
      List<Job> batch,
      Job retried,
      List<JobEvent> retriedHistory,
      Job deferred,
      Job cancelled,
      List<Job> group,
      ApprovalRequest approval,
      Job approved,
      ScheduledTask weekly,
      List<Instant> weeklyNext,
      Job fired) {}

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private QuickstartMain() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Files.createTempDirectory("docket-quickstart");
    try {
      run(System.out, dataDir);
    } finally {
      deleteRecursively(dataDir);
    }
  }

  /** The seed API's scheduled-task body: every Monday at 09:00 in Amsterdam. */
  static final String SEED_TASK_ARGS =
      "{\"room_id\": \"room-…\", \"content\": {\"msgtype\": \"swp.text\", \"body\": \"Monday status check\"}}";

  /** Runs the whole tour on a database in {@code dataDir}, narrating to {@code out}. */
  public static Summary run(PrintStream out, Path dataDir) throws InterruptedException {
    long t0 = System.nanoTime();
    // The engine's clock is set so that the next whole minute is 3 s away: the tour can show a
    // minutely task fire without waiting up to a minute. Everything else is real.
    Instant realNow = Instant.now();
    Instant soon = realNow.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)).minusSeconds(3);
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(realNow, soon));
    List<String> chatLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    MessageSender chat = (room, content) -> chatLog.add(room + ": " + content.get("body").asText());
    Map<JobId, CountDownLatch> finished = new ConcurrentHashMap<>();
    CountDownLatch crunchStarted = new CountDownLatch(1);

    out.println("Docket quick start: a job queue on an embedded H2 database in " + dataDir);
    Summary summary;
    try (Docket docket =
        Docket.builder()
            .store(JdbcStore.h2(dataDir)) // durable, zero set-up
            .clock(clock)
            .workers("default", 4)
            .messageSender(chat) // the port behind the built-in send_message action
            .handler("greet", ctx -> "Hello, " + ctx.args().get("name").asText() + "!")
            .handler("flaky", ctx -> {
              if (ctx.attempt() == 1) {
                throw new IllegalStateException("the printer is on fire");
              }
              return "printed on attempt " + ctx.attempt();
            })
            .handler("crunch", ctx -> {
              crunchStarted.countDown();
              while (!ctx.isCancelled()) { // a long job that stops when asked
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a slice of "work"
                if (Thread.interrupted()) { // shutdown or timeout: let the interrupt end it
                  throw new InterruptedException("crunch interrupted");
                }
              }
              return null;
            })
            .handler("post_announcement", ctx ->
                "posted to " + ctx.args().get("channel").asText() + ": " + ctx.args().get("text").asText())
            .listener(event -> {
              if (event instanceof DocketEvent.JobChanged c && c.job().isFinished()) {
                latch(finished, c.job().id()).countDown();
              }
            })
            .build()
            .start()) {

      // created first, so that it fires during the tour (see section 7)
      Principal assistant = Principal.user("assistant-bot");
      ScheduledTask minutely =
          docket.as(assistant).scheduler().create(
              TaskSpec.builder("Minutely ping", "* * * * *", "send_message").args(SEED_TASK_ARGS).build());

      section(out, "1. A batch of three greetings, submitted with one submitAll call");
      List<Job> batch =
          docket.jobs().submitAll(List.of(greet("Ada"), greet("Grace"), greet("Linus")));
      for (Job j : batch) {
        Job done = awaitFinished(docket, finished, j.id());
        out.printf("   %-9s %s%n", done.status(), done.result().orElseThrow().asText());
      }

      section(out, "2. A job that fails once and succeeds on its retry 200 ms later");
      Job flaky =
          docket.jobs().submit(
              JobRequest.builder("flaky").backoff(Backoff.fixed(Duration.ofMillis(200))).build());
      Job retried = awaitFinished(docket, finished, flaky.id());
      List<JobEvent> history = docket.jobs().events(flaky.id());
      out.println("   its history, from jobs().events(id):");
      for (JobEvent e : history) {
        String line =
            String.format(
                "   %+6d ms  %-9s -> %-9s %s",
                Duration.between(history.get(0).at(), e.at()).toMillis(),
                e.from().map(JobStatus::name).orElse("(new)"),
                e.to(),
                readable(e.detail()));
        out.println(line.stripTrailing());
      }
      out.printf(
          "   %s after %d of %d attempts: %s%n",
          retried.status(),
          retried.attempts(),
          retried.maxAttempts(),
          retried.result().orElseThrow().asText());

      section(out, "3. A job deferred by one second");
      Job later =
          docket.jobs().submit(greetRequest("later").delay(Duration.ofSeconds(1)).build());
      out.printf(
          "   submitted: %s, due in %d ms%n",
          later.status(), Duration.between(later.createdAt(), later.scheduledAt()).toMillis());
      Job deferred = awaitFinished(docket, finished, later.id());
      out.printf(
          "   started %d ms after its submit: %s %s%n",
          Duration.between(deferred.createdAt(), deferred.startedAt().orElseThrow()).toMillis(),
          deferred.status(),
          deferred.result().orElseThrow().asText());

      section(out, "4. A long-running job, cancelled while it runs");
      Job crunch = docket.jobs().submit(JobRequest.builder("crunch").build());
      if (!crunchStarted.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("crunch did not start within " + PATIENCE);
      }
      Job asked = docket.jobs().cancel(crunch.id());
      out.printf(
          "   cancel() returns at once: %s, cancelRequested=%s%n",
          asked.status(), asked.cancelRequested());
      Job cancelled = awaitFinished(docket, finished, crunch.id());
      out.printf("   the handler saw ctx.isCancelled() and returned: %s%n", cancelled.status());

      section(out, "5. A correlation group: three steps of one order, listed newest first");
      for (String step : List.of("reserve", "charge", "ship")) { // one after the other
        Job j = docket.jobs().submit(greetRequest(step).correlationId("order-42").build());
        awaitFinished(docket, finished, j.id());
      }
      List<Job> group = docket.jobs().byCorrelation("order-42", 50).items();
      for (Job j : group) {
        out.printf(
            "   order-42  %-9s %s%n", j.status(), j.result().map(r -> r.asText()).orElse(""));
      }
      section(out, "6. A plugin tool call flagged for approval, approved from code");
      Principal lead = Principal.user("ops-lead");
      Job call =
          docket.as(assistant).jobs().submit(
              JobRequest.builder("post_announcement")
                  .args("{\"channel\": \"#general\", \"text\": \"Release 1.0 is out\"}")
                  .approval(ApprovalSpec.of("posts to all 4,000 members of #general")
                      .approvers("ops-lead")
                      .expiresIn(Duration.ofHours(4)))
                  .build());
      ApprovalRequest request = docket.as(assistant).hitl().forJob(call.id()).orElseThrow();
      out.printf("   submitted: %s, approval request %s%n", call.status(), request.id());
      out.printf(
          "   ops-lead sees %d pending request(s): \"%s\"%n",
          docket.as(lead).hitl().pending(50).items().size(), request.reason());
      ApprovalRequest decided = docket.as(lead).hitl().approve(request.id(), "go ahead");
      Job posted = awaitFinished(docket, finished, call.id());
      out.printf(
          "   %s by %s (\"%s\"), then the job ran: %s %s%n",
          decided.status(),
          decided.decidedBy().orElseThrow(),
          decided.decisionNote().orElseThrow(),
          posted.status(),
          posted.result().orElseThrow().asText());
      section(out, "7. Scheduled tasks: the seed's weekly post, and a minutely one that fired during the tour");
      ScheduledTask weekly =
          docket.as(assistant).scheduler().create(
              TaskSpec.builder("Weekly status update", "0 9 * * MON", "send_message")
                  .timezone("Europe/Amsterdam")
                  .args(SEED_TASK_ARGS)
                  .build());
      List<Instant> next = docket.as(assistant).scheduler().nextFireTimes(weekly.id(), 3);
      out.printf("   %s '%s' (%s, %s), next fires:%n", weekly.id(), weekly.name(), weekly.schedule(), weekly.timezone());
      for (Instant i : next) {
        out.printf("     %s  (%s local)%n", i, i.atZone(weekly.timezone()).toLocalDateTime());
      }
      out.printf(
          "   '%s' (* * * * *) was created at the start, due at %s by the engine's clock%n",
          minutely.name(), minutely.nextRunAt().orElseThrow());
      Job fire = awaitFire(docket, finished, minutely);
      out.printf(
          "   it fired: job %s, %s, correlation id = task id; the chat got \"%s\"%n",
          fire.id(), fire.status(), chatLog.isEmpty() ? "" : chatLog.get(0));
      summary = new Summary(batch, retried, history, deferred, cancelled, group, decided, posted,
          weekly, next, fire);
    }
    section(out, "Done");
    out.printf(
        "   %d ms in all; the engine is closed and its worker threads have stopped.%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return summary;
  }

  /**
   * Waits for the task's first fire to finish. A fire's job id is the task id and the fire minute
   * in UTC ({@code tsk_…:2026-12-01T09:00Z}), so it is known before the fire happens.
   */
  private static Job awaitFire(Docket docket, Map<JobId, CountDownLatch> finished, ScheduledTask task)
      throws InterruptedException {
    String minute = task.nextRunAt().orElseThrow().toString().substring(0, 16) + "Z";
    JobId id = JobId.of(task.id().value() + ":" + minute);
    Duration patience = PATIENCE.plus(Duration.ofMinutes(1)); // a slow start may miss the first minute
    if (!latch(finished, id).await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("task " + task.id() + " did not fire within " + patience);
    }
    return docket.jobs().get(id);
  }

  private static JobRequest greet(String name) {
    return greetRequest(name).build();
  }

  private static JobRequest.Builder greetRequest(String name) {
    return JobRequest.builder("greet").args("{\"name\": \"" + name + "\"}");
  }

  private static CountDownLatch latch(Map<JobId, CountDownLatch> finished, JobId id) {
    return finished.computeIfAbsent(id, k -> new CountDownLatch(1));
  }

  /** Waits for the listener to hear that the job finished, then reads it. */
  private static Job awaitFinished(Docket docket, Map<JobId, CountDownLatch> finished, JobId id)
      throws InterruptedException {
    if (!latch(finished, id).await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("job " + id + " did not finish within " + PATIENCE);
    }
    return docket.jobs().get(id);
  }

  private static void section(PrintStream out, String title) {
    out.println();
    out.println(title);
  }

  /** Event details without package names and absolute retry times, to fit one line. */
  private static String readable(String detail) {
    return detail
        .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+(?=[A-Z])", "")
        .replaceAll("; retry at \\S+", "; retry scheduled");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
