package dev.docket.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects W5's fires: for each fire time (a whole minute) the lateness of every fire, that is
 * the time its action started minus the minute it fired for, and duplicate (task, minute) fires.
 */
public final class W5Recorder {

  private static volatile W5Recorder current = new W5Recorder();

  private final Map<Instant, ConcurrentLinkedQueue<Double>> byFire = new ConcurrentHashMap<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger duplicates = new AtomicInteger();

  public static W5Recorder install(W5Recorder r) {
    current = r;
    return r;
  }

  public static W5Recorder current() {
    return current;
  }

  /** Task {@code task} fired for {@code fireTime} and its action started {@code latenessMs} later. */
  public void fired(int task, Instant fireTime, double latenessMs) {
    if (!seen.add(task + "@" + fireTime)) {
      duplicates.incrementAndGet();
      return;
    }
    byFire.computeIfAbsent(fireTime, k -> new ConcurrentLinkedQueue<>()).add(latenessMs);
  }

  /** How many distinct fires were recorded for {@code fireTime}. */
  public int count(Instant fireTime) {
    ConcurrentLinkedQueue<Double> q = byFire.get(fireTime);
    return q == null ? 0 : q.size();
  }

  /** The latenesses (ms) of the fires for {@code fireTime}. */
  public List<Double> lateness(Instant fireTime) {
    ConcurrentLinkedQueue<Double> q = byFire.get(fireTime);
    return q == null ? List.of() : new ArrayList<>(q);
  }

  /** Fire time to number of fires, ordered. */
  public Map<Instant, Integer> counts() {
    Map<Instant, Integer> m = new TreeMap<>();
    byFire.forEach((k, v) -> m.put(k, v.size()));
    return m;
  }

  public int duplicates() {
    return duplicates.get();
  }
}
