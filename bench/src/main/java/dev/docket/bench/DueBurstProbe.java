package dev.docket.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.Docket;
import dev.docket.JobRequest;
import dev.docket.jdbc.JdbcStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What fire-ahead would buy W5: a burst of jobs created ahead of time, all due at one instant.
 * Submits {@code n} jobs {@code SCHEDULED} for a whole second {@code lead} seconds ahead (what a
 * scheduler that fires ahead would have created), then reports the lateness of their starts
 * (start − that second) with Docket's defaults and 8 workers, {@code rounds} times in one JVM.
 *
 * <p>Run: {@code java -Xmx2g -cp 'bench/target/docket-bench.jar:bench/target/lib/*'
 * dev.docket.bench.DueBurstProbe postgres 10000 12 2} (database, jobs, lead seconds, rounds).
 */
public final class DueBurstProbe {

  private DueBurstProbe() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "postgres";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int lead = args.length > 2 ? Integer.parseInt(args[2]) : 12;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    long[] startedAt = new long[n];
    CountDownLatch[] done = {new CountDownLatch(n)};
    try (BenchDb db = BenchDb.fresh(kind, "dueburst")) {
      JdbcStore store = DocketSystem.store(db, "dueburst");
      try (Docket docket =
          Docket.builder()
              .store(store)
              .workers("default", 8)
              .handler(
                  "burst",
                  ctx -> {
                    startedAt[ctx.args().get("i").asInt()] = System.currentTimeMillis();
                    done[0].countDown();
                    return null;
                  })
              .build()
              .start()) {
        for (int r = 0; r < rounds; r++) {
          Arrays.fill(startedAt, 0);
          done[0] = new CountDownLatch(n);
          Instant due = Instant.now().plusSeconds(lead).truncatedTo(ChronoUnit.SECONDS);
          List<JobRequest> batch = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            batch.add(JobRequest.builder("burst").runAt(due).args(JsonNodeFactory.instance.objectNode().put("i", i)).build());
          }
          for (int i = 0; i < n; i += 1_000) {
            docket.jobs().submitAll(batch.subList(i, Math.min(n, i + 1_000)));
          }
          Instant submitted = Instant.now();
          if (!submitted.isBefore(due)) {
            System.out.println("the submits ended after the due time; use a longer lead");
          }
          boolean all = done[0].await(lead + 120L, TimeUnit.SECONDS);
          long[] late = new long[n];
          int k = 0;
          for (long s : startedAt) {
            if (s != 0) {
              late[k++] = s - due.toEpochMilli();
            }
          }
          late = Arrays.copyOf(late, k);
          Arrays.sort(late);
          System.out.printf(
              Locale.ROOT,
              "%s round %d: %d jobs due %s (submitted by %s), started %d%s: lateness p50 %d p99 %d max %d ms%n",
              kind, r + 1, n, due, submitted, k, all ? "" : " (timed out)",
              k == 0 ? -1 : late[k / 2], k == 0 ? -1 : late[Math.min(k - 1, k * 99 / 100)], k == 0 ? -1 : late[k - 1]);
        }
      }
    }
  }
}
