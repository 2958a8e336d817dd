package dev.docket.internal.admin;

import dev.docket.MetricsSnapshot.FinishedTotal;
import dev.docket.Percentiles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's wait and run times, in one histogram set per minute of the engine's clock, kept for
 * {@link #MAX_WINDOW}: memory is bounded by minutes × keys × buckets, with keys (queues,
 * functions) capped at {@link #MAX_KEYS} (the rest count as {@code other}). Also monotonic counts
 * of ended jobs since start. Thread-safe.
 */
public final class MetricsRecorder {

  /** The longest window a snapshot may cover. */
  public static final Duration MAX_WINDOW = Duration.ofMinutes(60);
  /** Distinct queue and function names tracked; beyond it they count as {@value #OTHER}. */
  static final int MAX_KEYS = 500;

  static final String OTHER = "other";

  /** One minute's histograms. */
  private static final class Minute {
    final Histogram waitAll = new Histogram();
    final Histogram runAll = new Histogram();
    final Map<String, Histogram> waitByQueue = new HashMap<>();
    final Map<String, Histogram> runByQueue = new HashMap<>();
    final Map<String, Histogram> waitByFunction = new HashMap<>();
    final Map<String, Histogram> runByFunction = new HashMap<>();
  }

  private final TreeMap<Long, Minute> minutes = new TreeMap<>();
  private final Map<String, Boolean> knownKeys = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> totals = new ConcurrentHashMap<>();

  private String key(String name) {
    if (knownKeys.containsKey(name)) {
      return name;
    }
    if (knownKeys.size() >= MAX_KEYS) {
      return OTHER;
    }
    knownKeys.put(name, Boolean.TRUE);
    return name;
  }

  private Minute minute(Instant at) {
    long m = Math.floorDiv(at.getEpochSecond(), 60);
    Minute current = minutes.computeIfAbsent(m, k -> new Minute());
    long oldest = m - MAX_WINDOW.toMinutes() - 1;
    while (!minutes.isEmpty() && minutes.firstKey() < oldest) {
      minutes.pollFirstEntry();
    }
    return current;
  }

  private static long micros(Duration d) {
    return d.isNegative() ? 0 : d.toNanos() / 1_000;
  }

  /** An attempt started {@code wait} after its due time. */
  public synchronized void recordWait(Instant at, String queue, String function, Duration wait) {
    Minute m = minute(at);
    long us = micros(wait);
    m.waitAll.record(us);
    m.waitByQueue.computeIfAbsent(key(queue), k -> new Histogram()).record(us);
    m.waitByFunction.computeIfAbsent(key(function), k -> new Histogram()).record(us);
  }

  /** An attempt ran for {@code run}. */
  public synchronized void recordRun(Instant at, String queue, String function, Duration run) {
    Minute m = minute(at);
    long us = micros(run);
    m.runAll.record(us);
    m.runByQueue.computeIfAbsent(key(queue), k -> new Histogram()).record(us);
    m.runByFunction.computeIfAbsent(key(function), k -> new Histogram()).record(us);
  }

  /** A job this node moved to a terminal state ({@code succeeded}, {@code failed}, …). */
  public void recordFinished(String queue, String function, String outcome) {
    totals.computeIfAbsent(List.of(key(queue), key(function), outcome), k -> new LongAdder()).increment();
  }

  /** The histograms of the minutes overlapping {@code (at - window, at]}, merged. */
  public synchronized View view(Instant at, Duration window) {
    long last = Math.floorDiv(at.getEpochSecond(), 60);
    long first = Math.floorDiv(at.minus(window).getEpochSecond(), 60);
    View v = new View();
    for (Minute m : minutes.subMap(first, true, last, true).values()) {
      v.waitAll.addAll(m.waitAll);
      v.runAll.addAll(m.runAll);
      merge(v.waitByQueue, m.waitByQueue);
      merge(v.runByQueue, m.runByQueue);
      merge(v.waitByFunction, m.waitByFunction);
      merge(v.runByFunction, m.runByFunction);
    }
    return v;
  }

  private static void merge(Map<String, Histogram> into, Map<String, Histogram> from) {
    from.forEach((k, h) -> into.computeIfAbsent(k, x -> new Histogram()).addAll(h));
  }

  /** Counts of ended jobs since start. */
  public List<FinishedTotal> totals() {
    List<FinishedTotal> out = new ArrayList<>();
    totals.forEach((k, n) -> out.add(new FinishedTotal(k.get(0), k.get(1), k.get(2), n.sum())));
    out.sort(
        java.util.Comparator.comparing(FinishedTotal::queue)
            .thenComparing(FinishedTotal::function)
            .thenComparing(FinishedTotal::outcome));
    return out;
  }

  /** Merged histograms of a window. */
  public static final class View {
    final Histogram waitAll = new Histogram();
    final Histogram runAll = new Histogram();
    final Map<String, Histogram> waitByQueue = new HashMap<>();
    final Map<String, Histogram> runByQueue = new HashMap<>();
    final Map<String, Histogram> waitByFunction = new HashMap<>();
    final Map<String, Histogram> runByFunction = new HashMap<>();

    public Percentiles waitAll() {
      return waitAll.percentilesMs();
    }

    public Percentiles runAll() {
      return runAll.percentilesMs();
    }

    public Percentiles waitOfQueue(String q) {
      return of(waitByQueue, q);
    }

    public Percentiles runOfQueue(String q) {
      return of(runByQueue, q);
    }

    public Percentiles waitOfFunction(String f) {
      return of(waitByFunction, f);
    }

    public Percentiles runOfFunction(String f) {
      return of(runByFunction, f);
    }

    public java.util.Set<String> functions() {
      java.util.Set<String> s = new java.util.TreeSet<>(waitByFunction.keySet());
      s.addAll(runByFunction.keySet());
      return s;
    }

    public java.util.Set<String> queues() {
      java.util.Set<String> s = new java.util.TreeSet<>(waitByQueue.keySet());
      s.addAll(runByQueue.keySet());
      return s;
    }

    private static Percentiles of(Map<String, Histogram> m, String k) {
      Histogram h = m.get(k);
      return h == null ? Percentiles.none() : h.percentilesMs();
    }
  }
}
