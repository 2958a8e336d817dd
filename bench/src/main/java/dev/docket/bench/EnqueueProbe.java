package dev.docket.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.Docket;
import dev.docket.JobRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch submit alone: a producer-only Docket (no workers, nothing drains) submits N jobs in chunks
 * of 1,000, rounds times on a fresh database each; submits per second per round. It gives the
 * enqueue's ceiling, to tell the insert path's own cost from its contention with the drain in W1.
 * {@code -Dprobe.pad=K} adds a text field of K characters to each job's args (default none: the
 * bench's no-op args, {@code {"i": n}}).
 * <pre>java -cp "bench/target/docket-bench.jar:bench/target/lib/*" dev.docket.bench.EnqueueProbe h2|postgres [rounds] [n]</pre>
 */
public final class EnqueueProbe {
  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "h2";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int pad = Integer.getInteger("probe.pad", 0);
    for (int r = 0; r < rounds; r++) {
      try (BenchDb db = BenchDb.fresh(kind, "probe");
          Docket d = Docket.builder().store(DocketSystem.store(db, "probe")).producerOnly().build().start()) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += 1_000) {
          d.jobs().submitAll(pad == 0 ? DocketSystem.requests(i, Math.min(1_000, n - i)) : padded(i, Math.min(1_000, n - i), pad));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s%s round %d: %,.0f submits/s%n", kind, pad == 0 ? "" : " pad " + pad, r + 1, n / s);
      }
    }
  }

  private static List<JobRequest> padded(int from, int count, int pad) {
    String text = "x".repeat(pad);
    List<JobRequest> batch = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      batch.add(
          JobRequest.builder("noop")
              .args(JsonNodeFactory.instance.objectNode().put("i", i).put("pad", text))
              .build());
    }
    return batch;
  }
}
