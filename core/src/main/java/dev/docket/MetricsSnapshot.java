package dev.docket;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the queue did over a recent window. Counts of jobs by state and of finished jobs come from
 * the store (the whole cluster); wait and run time percentiles from this node's bounded
 * histograms (the jobs this node ran). Immutable.
 *
 * @param at when it was taken
 * @param window how far back the figures reach
 * @param succeededPerMinute jobs that succeeded in the window, per minute (cluster)
 * @param failedPerMinute jobs that failed for good in the window, per minute (cluster)
 * @param waitMs due-to-start time of attempts this node started in the window
 * @param runMs start-to-end time of attempts this node ended in the window
 * @param byFunction the same per function
 * @param byQueue the same per queue, with the unfinished jobs of each
 * @param workers busy and total workers of the registered nodes
 * @param finishedTotals this node's counts of ended jobs since it started, by queue, function and
 *     outcome (monotonic, for Prometheus counters)
 */
public record MetricsSnapshot(
    Instant at,
    Duration window,
    double succeededPerMinute,
    double failedPerMinute,
    Percentiles waitMs,
    Percentiles runMs,
    List<FunctionMetrics> byFunction,
    List<QueueMetrics> byQueue,
    WorkerCount workers,
    List<FinishedTotal> finishedTotals) {

  public MetricsSnapshot {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(waitMs, "waitMs");
    Objects.requireNonNull(runMs, "runMs");
    byFunction = List.copyOf(byFunction);
    byQueue = List.copyOf(byQueue);
    Objects.requireNonNull(workers, "workers");
    finishedTotals = List.copyOf(finishedTotals);
  }

  /**
   * Figures of one function.
   *
   * @param succeeded jobs that succeeded in the window (cluster)
   * @param failed jobs that failed for good in the window (cluster)
   */
  public record FunctionMetrics(String function, long succeeded, long failed, Percentiles waitMs, Percentiles runMs) {
    public FunctionMetrics {
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(waitMs, "waitMs");
      Objects.requireNonNull(runMs, "runMs");
    }
  }

  /**
   * Figures of one queue.
   *
   * @param depth its unfinished jobs now (cluster)
   * @param paused whether claiming from it is paused
   */
  public record QueueMetrics(
      String queue, long succeeded, long failed, Percentiles waitMs, Percentiles runMs, QueueDepth depth, boolean paused) {
    public QueueMetrics {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(waitMs, "waitMs");
      Objects.requireNonNull(runMs, "runMs");
      Objects.requireNonNull(depth, "depth");
    }
  }

  /** Busy and total workers. */
  public record WorkerCount(int busy, int total) {}

  /** Ended jobs of one queue, function and outcome ({@code succeeded}, {@code failed}, …). */
  public record FinishedTotal(String queue, String function, String outcome, long count) {
    public FinishedTotal {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * The snapshot in the Prometheus text exposition format (version 0.0.4): {@code
   * docket_jobs{queue,status}}, {@code docket_jobs_finished_total{queue,function,outcome}}, {@code
   * docket_job_wait_seconds{queue,quantile}}, {@code docket_job_run_seconds{queue,quantile}},
   * {@code docket_workers{state}}.
   */
  public String toPrometheus() {
    StringBuilder b = new StringBuilder();
    b.append("# HELP docket_jobs Unfinished jobs by queue and state.\n# TYPE docket_jobs gauge\n");
    for (QueueMetrics q : byQueue) {
      QueueDepth d = q.depth();
      for (Map.Entry<String, Long> e :
          List.of(
              Map.entry("scheduled", d.scheduled()),
              Map.entry("queued", d.queued()),
              Map.entry("running", d.running()),
              Map.entry("awaiting_approval", d.awaitingApproval()))) {
        b.append("docket_jobs{queue=\"").append(label(q.queue())).append("\",status=\"").append(e.getKey())
            .append("\"} ").append(e.getValue()).append('\n');
      }
    }
    b.append("# HELP docket_jobs_finished_total Jobs this node ended, by outcome.\n")
        .append("# TYPE docket_jobs_finished_total counter\n");
    for (FinishedTotal t : finishedTotals) {
      b.append("docket_jobs_finished_total{queue=\"").append(label(t.queue())).append("\",function=\"")
          .append(label(t.function())).append("\",outcome=\"").append(label(t.outcome())).append("\"} ")
          .append(t.count()).append('\n');
    }
    quantiles(b, "docket_job_wait_seconds", "Due-to-start time of attempts in the window.", true);
    quantiles(b, "docket_job_run_seconds", "Run time of attempts in the window.", false);
    b.append("# HELP docket_workers Workers of the registered nodes.\n# TYPE docket_workers gauge\n");
    b.append("docket_workers{state=\"busy\"} ").append(workers.busy()).append('\n');
    b.append("docket_workers{state=\"total\"} ").append(workers.total()).append('\n');
    return b.toString();
  }

  private void quantiles(StringBuilder b, String name, String help, boolean wait) {
    b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" summary\n");
    for (QueueMetrics q : byQueue) {
      Percentiles p = wait ? q.waitMs() : q.runMs();
      quantile(b, name, q.queue(), "0.5", p.p50().orElse(null));
      quantile(b, name, q.queue(), "0.95", p.p95().orElse(null));
      quantile(b, name, q.queue(), "0.99", p.p99().orElse(null));
      b.append(name).append("_count{queue=\"").append(label(q.queue())).append("\"} ").append(p.count()).append('\n');
    }
  }

  private static void quantile(StringBuilder b, String name, String queue, String q, Double ms) {
    b.append(name).append("{queue=\"").append(label(queue)).append("\",quantile=\"").append(q).append("\"} ")
        .append(ms == null ? "NaN" : String.format(Locale.ROOT, "%.6f", ms / 1000.0)).append('\n');
  }

  private static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
