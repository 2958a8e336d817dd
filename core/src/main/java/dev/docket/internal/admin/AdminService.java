package dev.docket.internal.admin;

import dev.docket.AccessDeniedException;
import dev.docket.Cursor;
import dev.docket.InvalidRequestException;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobStatus;
import dev.docket.MetricsSnapshot;
import dev.docket.MetricsSnapshot.FunctionMetrics;
import dev.docket.MetricsSnapshot.QueueMetrics;
import dev.docket.MetricsSnapshot.WorkerCount;
import dev.docket.NodeStatus;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.QueueAdmin;
import dev.docket.QueueDepth;
import dev.docket.QueueInfo;
import dev.docket.spi.FinishedCount;
import dev.docket.spi.NodeInfo;
import dev.docket.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin operations and the metrics snapshot. Every entry point checks the admin role; the
 * figures come from the store (cluster-wide) and from this node's {@link MetricsRecorder}.
 * Thread-safe.
 */
public final class AdminService {

  private static final Logger log = LoggerFactory.getLogger(AdminService.class);

  private final Store store;
  private final Clock clock;
  private final MetricsRecorder recorder;
  private final Duration defaultWindow;
  private final Runnable pausedChanged;

  public AdminService(
      Store store, Clock clock, MetricsRecorder recorder, Duration defaultWindow, Runnable pausedChanged) {
    this.store = store;
    this.clock = clock;
    this.recorder = recorder;
    this.defaultWindow = defaultWindow;
    this.pausedChanged = pausedChanged;
  }

  private static void requireAdmin(Principal p, String what) {
    if (!p.isAdmin()) {
      throw new AccessDeniedException(p.id(), what, "needs the ADMIN role");
    }
  }

  public QueueInfo pause(Principal p, String queue) {
    return setPaused(p, queue, true);
  }

  public QueueInfo resume(Principal p, String queue) {
    return setPaused(p, queue, false);
  }

  private QueueInfo setPaused(Principal p, String queue, boolean paused) {
    requireAdmin(p, (paused ? "pause" : "resume") + " queues");
    new QueueInfo(queue, paused, 0); // validates the name
    store.admin().setPaused(queue, paused, p.id(), clock.instant());
    log.info("queue {} {} by {}", queue, paused ? "paused" : "resumed", p.id());
    pausedChanged.run();
    return info(queue, paused, store.nodes().list());
  }

  public boolean isPaused(Principal p, String queue) {
    requireAdmin(p, "read queue state");
    return store.admin().pausedQueues().contains(queue);
  }

  public Set<String> pausedQueues(Principal p) {
    requireAdmin(p, "read queue state");
    return new TreeSet<>(store.admin().pausedQueues());
  }

  public List<QueueInfo> queues(Principal p) {
    requireAdmin(p, "list queues");
    List<NodeInfo> nodes = store.nodes().list();
    Set<String> paused = store.admin().pausedQueues();
    Set<String> names = new TreeSet<>(paused);
    nodes.forEach(n -> names.addAll(n.workers().keySet()));
    store.jobs().depth(Optional.empty(), clock.instant()).forEach(d -> names.add(d.queue()));
    List<QueueInfo> out = new ArrayList<>();
    for (String q : names) {
      out.add(info(q, paused.contains(q), nodes));
    }
    return out;
  }

  private static QueueInfo info(String queue, boolean paused, List<NodeInfo> nodes) {
    int workers = nodes.stream().mapToInt(n -> n.workers().getOrDefault(queue, 0)).sum();
    return new QueueInfo(queue, paused, workers);
  }

  public List<NodeStatus> nodes(Principal p) {
    requireAdmin(p, "list nodes");
    return store.nodes().list().stream()
        .map(n -> new NodeStatus(n.id(), n.startedAt(), n.lastHeartbeatAt(), n.busy(), n.total(), n.workers()))
        .toList();
  }

  /** Checks the statuses of a purge: terminal only; all terminal ones when empty. */
  public static Set<JobStatus> purgeStatuses(Set<JobStatus> statuses) {
    if (statuses.isEmpty()) {
      return JobStatus.terminal();
    }
    for (JobStatus s : statuses) {
      if (!s.isTerminal()) {
        throw new InvalidRequestException(
            "statuses", s.wireName() + " is not a terminal state; purge takes " + JobStatus.terminal());
      }
    }
    return EnumSet.copyOf(statuses);
  }

  public long purge(Principal p, Duration olderThan, Set<JobStatus> statuses) {
    requireAdmin(p, "purge jobs");
    if (olderThan.isNegative()) {
      throw new InvalidRequestException("olderThan", "must not be negative, was " + olderThan);
    }
    Set<JobStatus> which = purgeStatuses(statuses);
    Instant cutoff = clock.instant().minus(olderThan);
    long deleted = 0;
    int n;
    do {
      n = store.admin().purge(cutoff, which, QueueAdmin.PURGE_BATCH);
      deleted += n;
    } while (n >= QueueAdmin.PURGE_BATCH);
    log.info("purged {} finished job(s) ({}) older than {}, by {}", deleted, which, olderThan, p.id());
    return deleted;
  }

  /** One retention batch: purges up to a batch of jobs finished before now - retention. */
  public int retentionStep(Duration retention) {
    return store.admin().purge(clock.instant().minus(retention), JobStatus.terminal(), QueueAdmin.PURGE_BATCH);
  }

  public Page<Job> deadLetters(Principal p, Optional<Cursor> cursor, int limit) {
    requireAdmin(p, "read the dead-letter set");
    Page.checkLimit(limit);
    return store.jobs().list(JobFilter.all().status(JobStatus.FAILED), cursor, limit);
  }

  public MetricsSnapshot metrics(Principal p) {
    return metrics(p, defaultWindow);
  }

  public MetricsSnapshot metrics(Principal p, Duration window) {
    requireAdmin(p, "read metrics");
    checkWindow("window", window);
    Instant now = clock.instant();
    List<FinishedCount> finished = store.admin().finishedSince(now.minus(window));
    Map<String, long[]> byQueue = new TreeMap<>();
    Map<String, long[]> byFunction = new TreeMap<>();
    long succeeded = 0;
    long failed = 0;
    for (FinishedCount c : finished) {
      int slot = c.status() == JobStatus.SUCCEEDED ? 0 : c.status() == JobStatus.FAILED ? 1 : -1;
      byQueue.computeIfAbsent(c.queue(), k -> new long[2]);
      byFunction.computeIfAbsent(c.function(), k -> new long[2]);
      if (slot >= 0) {
        byQueue.get(c.queue())[slot] += c.count();
        byFunction.get(c.function())[slot] += c.count();
        if (slot == 0) {
          succeeded += c.count();
        } else {
          failed += c.count();
        }
      }
    }
    MetricsRecorder.View view = recorder.view(now, window);
    view.functions().forEach(f -> byFunction.computeIfAbsent(f, k -> new long[2]));
    view.queues().forEach(q -> byQueue.computeIfAbsent(q, k -> new long[2]));
    Map<String, QueueDepth> depth = new TreeMap<>();
    store.jobs().depth(Optional.empty(), now).forEach(d -> depth.put(d.queue(), d));
    depth.keySet().forEach(q -> byQueue.computeIfAbsent(q, k -> new long[2]));
    Set<String> paused = store.admin().pausedQueues();
    paused.forEach(q -> byQueue.computeIfAbsent(q, k -> new long[2]));
    List<FunctionMetrics> functions = new ArrayList<>();
    byFunction.forEach(
        (f, n) -> functions.add(new FunctionMetrics(f, n[0], n[1], view.waitOfFunction(f), view.runOfFunction(f))));
    List<QueueMetrics> queues = new ArrayList<>();
    byQueue.forEach(
        (q, n) ->
            queues.add(
                new QueueMetrics(
                    q, n[0], n[1], view.waitOfQueue(q), view.runOfQueue(q),
                    depth.getOrDefault(q, QueueDepth.empty(q)), paused.contains(q))));
    int busy = 0;
    int total = 0;
    for (NodeInfo n : store.nodes().list()) {
      busy += n.busy();
      total += n.total();
    }
    double minutes = window.toMillis() / 60_000.0;
    return new MetricsSnapshot(
        now, window, succeeded / minutes, failed / minutes, view.waitAll(), view.runAll(), functions, queues,
        new WorkerCount(busy, total), recorder.totals());
  }

  /** A metrics window: 1 s to {@link MetricsRecorder#MAX_WINDOW}. */
  public static Duration checkWindow(String field, Duration window) {
    if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MetricsRecorder.MAX_WINDOW) > 0) {
      throw new InvalidRequestException(
          field, "must be within 1 s .. " + MetricsRecorder.MAX_WINDOW.toMinutes() + " min, was " + window);
    }
    return window;
  }
}
