package dev.docket.bench;

import dev.docket.Docket;
import dev.docket.JobRequest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * W2's single submit taken apart: one engine (8 workers, the bench's store) gets N single jobs
 * 20 ms apart; per half of the run, the p50 / p99 of the submit call itself and of submit-to-start
 * (the job starts inside the call when the submit claims it). Run it beside the database's
 * statement log ({@code log_min_duration_statement = 0}) or JFR's socket events to split the
 * call's time between the database and the client. Then the same count of the store's own call
 * (one ready job inserted and claimed, no engine), to tell the store's part from the engine's.
 * <pre>java -cp "bench/target/docket-bench.jar:bench/target/lib/*" dev.docket.bench.SingleSubmitProbe postgres|h2 [n]</pre>
 */
public final class SingleSubmitProbe {
  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "postgres";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    long[] start = new long[n];
    try (BenchDb db = BenchDb.fresh(kind, "single");
        Docket d =
            Docket.builder()
                .store(DocketSystem.store(db, "single"))
                .workers("default", 8)
                .handler("noop", ctx -> { start[ctx.args().get("i").asInt()] = System.nanoTime(); return null; })
                .build()
                .start()) {
      Thread.sleep(1_000); // idle workers, as W2
      long[] sub = new long[n];
      long[] ret = new long[n];
      long base = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sub[i] = paceTo(base + i * 20_000_000L);
        d.jobs().submit(JobRequest.builder("noop").args(JsonNodeFactory.instance.objectNode().put("i", i)).build());
        ret[i] = System.nanoTime();
      }
      Thread.sleep(500);
      report(kind, "", n, sub, ret, start);
    }
    // the store's call alone, no engine: the same statement (insertAllAndClaim of one ready job)
    try (BenchDb db = BenchDb.fresh(kind, "single-store");
        dev.docket.jdbc.JdbcStore store = DocketSystem.store(db, "single-store")) {
      long[] sub = new long[n];
      long[] ret = new long[n];
      long base = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sub[i] = paceTo(base + i * 20_000_000L);
        java.time.Instant t = java.time.Instant.now();
        store.jobs().insertAllAndClaim(
            java.util.List.of(new dev.docket.spi.NewJob(dev.docket.JobId.random(), "noop", "default", dev.docket.JobStatus.QUEUED, 0,
                JsonNodeFactory.instance.objectNode().put("i", i), 3, java.util.Optional.empty(), "system",
                java.util.Optional.empty(), java.util.Optional.empty(), t, t, java.util.Optional.empty(), true)),
            "system",
            new dev.docket.spi.ClaimRequest(dev.docket.NodeId.of("probe"), "default", 9, t, java.time.Duration.ofSeconds(30)));
        ret[i] = System.nanoTime();
      }
      report(kind, "store call alone, ", n, sub, ret, ret);
    }
  }

  /** Waits until {@code target} (System.nanoTime) and returns the time it woke. */
  private static long paceTo(long target) {
    long now;
    while ((now = System.nanoTime()) < target) {
      LockSupport.parkNanos(target - now);
    }
    return now;
  }

  private static void report(String kind, String what, int n, long[] sub, long[] ret, long[] start) {
    {
      for (int half = 0; half < 2; half++) {
        double[] call = new double[n / 2];
        double[] toStart = new double[n / 2];
        for (int i = 0; i < n / 2; i++) {
          int k = half * (n / 2) + i;
          call[i] = (ret[k] - sub[k]) / 1e6;
          toStart[i] = start[k] == 0 ? Double.NaN : (start[k] - sub[k]) / 1e6;
        }
        Arrays.sort(call);
        Arrays.sort(toStart);
        System.out.printf(
            "%s %shalf %d: submit call p50 %.2f p99 %.2f ms | submit-to-start p50 %.2f p99 %.2f ms%n",
            kind, what, half + 1, call[n / 4], call[n / 2 * 99 / 100], toStart[n / 4], toStart[n / 2 * 99 / 100]);
      }
    }
  }
}
