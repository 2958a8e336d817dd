package dev.docket.examples;

import dev.docket.Backoff;
import dev.docket.Docket;
import dev.docket.DocketEvent;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobId;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.jdbc.JdbcStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Docket's quick start: an engine on the embedded H2 default, a few handlers, and the queue's main
 * moves — a batch, a retry, a deferred job, a cancellation and a correlation group. Runs in a few
 * seconds and exits by itself.
 */
public final class QuickstartMain {

  /** What the run showed, for the test that runs it. */
  public record Summary(
      List<Job> batch, Job retried, Job deferred, Job cancelled, List<Job> group, Path dataDir) {}

  private QuickstartMain() {}

  public static void main(String[] args) throws Exception {
    run(System.out, Files.createTempDirectory("docket-quickstart"));
  }

  public static Summary run(PrintStream out, Path dataDir) throws InterruptedException, IOException {
    Map<JobId, CountDownLatch> finished = new ConcurrentHashMap<>();
    AtomicInteger flakyCalls = new AtomicInteger();
    CountDownLatch longJobStarted = new CountDownLatch(1);
    Instant t0 = Instant.now();

    out.println("Docket quick start — embedded H2 database in " + dataDir);
    out.println();

    // tag::quickstart[]
    try (Docket docket =
        Docket.builder()
            .store(JdbcStore.h2(dataDir)) // durable, zero set-up
            .workers("default", 4)
            .handler("greet", ctx -> "Hello, " + ctx.args().get("name").asText() + "!")
            .handler("flaky", ctx -> {
              if (flakyCalls.incrementAndGet() == 1) {
                throw new IllegalStateException("the printer is on fire");
              }
              return "printed on attempt " + ctx.attempt();
            })
            .handler("crunch", ctx -> {
              longJobStarted.countDown();
              while (!ctx.isCancelled()) { // a long job that stops when asked
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
              }
              return null;
            })
            .listener(event -> {
              if (event instanceof DocketEvent.JobChanged c && c.job().isFinished()) {
                finished.computeIfAbsent(c.job().id(), id -> new CountDownLatch(1)).countDown();
              }
            })
            .build()
            .start()) {
      // end::quickstart[]

      out.println("1. A batch of three greetings, submitted at once");
      List<JobRequest> requests = new ArrayList<>();
      for (String name : List.of("Ada", "Grace", "Linus")) {
        requests.add(JobRequest.builder("greet").args("{\"name\": \"" + name + "\"}").build());
      }
      List<Job> batch = docket.jobs().submitAll(requests);
      for (Job j : batch) {
        await(finished, j.id());
        Job done = docket.jobs().get(j.id());
        out.printf("   %-9s %s%n", done.status(), done.result().orElseThrow().asText());
      }

      out.println();
      out.println("2. A job that fails once and succeeds on its retry (backoff 200 ms)");
      Job flaky =
          docket.jobs().submit(
              JobRequest.builder("flaky").backoff(Backoff.fixed(Duration.ofMillis(200))).build());
      await(finished, flaky.id());
      Job retried = docket.jobs().get(flaky.id());
      for (JobEvent e : docket.jobs().events(flaky.id())) {
        out.printf(
            "   %-9s -> %-9s %s%n",
            e.from().map(JobStatus::name).orElse("(new)"),
            e.to(),
            e.detail().length() > 60 ? e.detail().substring(0, 60) + "…" : e.detail());
      }
      out.printf("   result: %s%n", retried.result().orElseThrow().asText());

      out.println();
      out.println("3. A job deferred by one second");
      Job deferred =
          docket.jobs().submit(
              JobRequest.builder("greet").args("{\"name\": \"future\"}").delay(Duration.ofSeconds(1)).build());
      out.printf("   submitted as %s, due %s%n", deferred.status(), deferred.scheduledAt());
      await(finished, deferred.id());
      Job ranLater = docket.jobs().get(deferred.id());
      out.printf(
          "   %s %s after it was submitted%n",
          ranLater.status(),
          Duration.between(ranLater.createdAt(), ranLater.startedAt().orElseThrow()).toMillis() >= 1000
              ? "no sooner than 1 s"
              : "too early (!)");

      out.println();
      out.println("4. A long-running job, cancelled while it runs");
      Job crunch = docket.jobs().submit(JobRequest.builder("crunch").build());
      longJobStarted.await(10, TimeUnit.SECONDS);
      Job asked = docket.jobs().cancel(crunch.id());
      out.printf("   cancel asked: status %s, cancel requested %s%n", asked.status(), asked.cancelRequested());
      await(finished, crunch.id());
      Job cancelled = docket.jobs().get(crunch.id());
      out.printf("   the handler noticed and stopped: %s%n", cancelled.status());

      out.println();
      out.println("5. A correlation group: three jobs of one order");
      for (String step : List.of("reserve", "charge", "ship")) {
        Job j =
            docket.jobs().submit(
                JobRequest.builder("greet")
                    .args("{\"name\": \"" + step + "\"}")
                    .correlationId("order-42")
                    .build());
        await(finished, j.id());
      }
      List<Job> group = docket.jobs().byCorrelation("order-42", 50).items();
      for (Job j : group) {
        out.printf("   order-42  %-9s %s%n", j.status(), j.result().map(r -> r.asText()).orElse(""));
      }

      out.println();
      out.printf(
          "Done in %d ms. Every job above is stored in %s and survives a restart.%n",
          Duration.between(t0, Instant.now()).toMillis(),
          dataDir);
      return new Summary(batch, retried, ranLater, cancelled, group, dataDir);
    }
  }

  private static void await(Map<JobId, CountDownLatch> finished, JobId id) throws InterruptedException {
    CountDownLatch latch = finished.computeIfAbsent(id, k -> new CountDownLatch(1));
    if (!latch.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("job " + id + " did not finish within 30 s");
    }
  }
}
