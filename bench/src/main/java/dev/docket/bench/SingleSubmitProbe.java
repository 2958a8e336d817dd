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
 * call's time between the database and the client.
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
        long target = base + i * 20_000_000L;
        long now;
        while ((now = System.nanoTime()) < target) {
          LockSupport.parkNanos(target - now);
        }
        sub[i] = System.nanoTime();
        d.jobs().submit(JobRequest.builder("noop").args(JsonNodeFactory.instance.objectNode().put("i", i)).build());
        ret[i] = System.nanoTime();
      }
      Thread.sleep(500);
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
            "%s half %d: submit call p50 %.2f p99 %.2f ms | submit-to-start p50 %.2f p99 %.2f ms%n",
            kind, half + 1, call[n / 4], call[n / 2 * 99 / 100], toStart[n / 4], toStart[n / 2 * 99 / 100]);
      }
    }
  }
}
