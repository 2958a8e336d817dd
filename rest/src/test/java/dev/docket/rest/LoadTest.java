package dev.docket.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.jdbc.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small, bounded load test on loopback only: 50 concurrent clients submit jobs and poll them for
 * 30 s (system property {@code docket.load.seconds}); no request may fail and every job must be
 * accounted for. On the embedded H2 default; {@code -Ddocket.load.store=postgres} runs it on
 * PostgreSQL. Writes the measured rate to {@code target/load-test.txt}; asserts no speed.
 */
@Tag("slow")
class LoadTest {

  @TempDir Path dir;

  @Test
  void fiftyClientsSubmitAndPollWithoutErrors() throws Exception {
    int clients = 50;
    long seconds = Long.getLong("docket.load.seconds", 30);
    int maxPerClient = 100_000;
    Set<String> submitted = ConcurrentHashMap.newKeySet();
    AtomicLong requests = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<String> firstErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    boolean postgres = "postgres".equals(System.getProperty("docket.load.store"));
    String prefix = dev.docket.jdbc.PostgresDatabase.newPrefix();
    com.zaxxer.hikari.HikariDataSource pg = postgres ? dev.docket.jdbc.PostgresDatabase.pool(16) : null;
    JdbcStore store = pg != null ? JdbcStore.builder(pg).tablePrefix(prefix).build() : JdbcStore.h2(dir);
    try (RestServer server = Servers.start(store)) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long t0 = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        String token = c % 2 == 0 ? Servers.ALICE : Servers.BOB;
        futures.add(
            pool.submit(
                () -> {
                  Http http = new Http(server.port());
                  for (int i = 0; i < maxPerClient && System.nanoTime() < deadline; i++) {
                    Http.Res r = http.post(token, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {\"i\": " + i + "}}");
                    requests.incrementAndGet();
                    if (r.status() != 201) {
                      errors.incrementAndGet();
                      if (firstErrors.size() < 5) {
                        firstErrors.add(r.status() + " " + r.body());
                      }
                      continue;
                    }
                    String id = r.text("job_id");
                    submitted.add(id);
                    Http.Res g = http.get(token, "/v1/queue/jobs/" + id);
                    requests.incrementAndGet();
                    if (g.status() != 200) {
                      errors.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(seconds + 60, TimeUnit.SECONDS);
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      assertThat(errors.get()).as("failed requests, first: %s", firstErrors).isZero();
      long t1 = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> countUnfinished(server) == 0);
      double drain = (System.nanoTime() - t1) / 1e9;
      double rate = requests.get() / elapsed;
      String report =
          String.format(
              java.util.Locale.ROOT,
              "store=%s clients=%d seconds=%.1f requests=%d jobs=%d requests_per_second=%.0f jobs_per_second=%.0f drain_after_seconds=%.1f%n",
              postgres ? "postgresql" : "h2", clients, elapsed, requests.get(), submitted.size(), rate, submitted.size() / elapsed, drain);
      Files.writeString(Path.of("target/load-test.txt"), report);
      System.out.print(report);
      assertThat(submitted).isNotEmpty();
      // every job accounted for: the succeeded jobs, listed page by page, are exactly those submitted
      Http http = new Http(server.port());
      Set<String> succeeded = new java.util.HashSet<>();
      String cursor = null;
      do {
        Http.Res page = http.get(Servers.ROOT, "/v1/queue/jobs?status=succeeded&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
        page.json().path("items").forEach(j -> succeeded.add(j.path("job_id").asText()));
        cursor = page.json().path("next_cursor").isNull() ? null : page.text("next_cursor");
      } while (cursor != null);
      assertThat(succeeded).isEqualTo(submitted);
    } finally {
      if (pg != null) {
        pg.close();
        dev.docket.jdbc.PostgresDatabase.dropTables(prefix);
      }
    }
  }

  private static long countUnfinished(RestServer server) {
    Http http = new Http(server.port());
    return http.get(Servers.ROOT, "/v1/queue/depth").json().path("total").path("queued").asLong()
        + http.get(Servers.ROOT, "/v1/queue/depth").json().path("total").path("running").asLong();
  }

}
