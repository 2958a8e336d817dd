package dev.docket.micrometer;

import dev.docket.Docket;
import dev.docket.DocketEvent;
import dev.docket.DocketListener;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobStatus;
import dev.docket.QueueDepth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a Docket engine's metrics to a Micrometer {@link MeterRegistry}: finished jobs by
 * outcome, wait and run times, and the number of unfinished jobs per queue and state.
 *
 * <pre>{@code
 * DocketMeters meters = new DocketMeters();
 * Docket docket = Docket.builder()
 *     .store(store)
 *     .workers("default", 4)
 *     .handler("send-email", sendEmail)
 *     .listener(meters)          // hears every job change of this engine
 *     .build();
 * meters.bindTo(registry);       // before start(), so that no finished job goes uncounted
 * meters.watch(docket);          // the source of the depth gauges
 * docket.start();
 * }</pre>
 *
 * <p>Meters (see {@code docs/micrometer.md}):
 *
 * <ul>
 *   <li>{@value #JOBS_FINISHED} (counter; tags {@code queue}, {@code function}, {@code outcome} =
 *       {@code succeeded | failed | cancelled | rejected | expired}): one per transition into a
 *       terminal state. A job that is retried and finishes again counts again.
 *   <li>{@value #JOB_WAIT} (timer; {@code queue}, {@code function}): from {@link Job#scheduledAt()}
 *       (when the attempt became due) to {@link Job#startedAt()}, recorded when an attempt starts.
 *   <li>{@value #JOB_RUN} (timer; {@code queue}, {@code function}): from {@link Job#startedAt()} to
 *       the end of the attempt, recorded on every transition out of {@code RUNNING}: into a terminal
 *       state (ending at {@link Job#finishedAt()}), and also into {@code SCHEDULED} (a retry after a
 *       failure) or {@code QUEUED} (given back, or taken back after a lost lease), ending at the
 *       event's time. So every attempt is timed once, whatever its outcome.
 *   <li>{@value #JOBS} (gauge; {@code queue}, {@code state} = {@code scheduled | queued | running |
 *       awaiting_approval}): read from {@link dev.docket.JobQueue#depth()} of the watched engine.
 * </ul>
 *
 * <p><b>Where the numbers come from.</b> Counters and timers count what <em>this engine</em> did
 * (sum them over the nodes of a cluster). Gauges read the store, which all nodes share (do not sum
 * them over nodes). One depth read is cached for {@link #DEPTH_CACHE}, so a scrape of all gauges
 * costs one store query; a failed read shows as {@code NaN} until the next successful one. A
 * queue's gauges are registered when the queue is first seen: in one of this engine's job events or
 * in a depth read.
 *
 * <p><b>Before {@link #bindTo}.</b> Events heard before a registry is bound are dropped (only
 * their queue names are kept for the gauges): bind before {@link Docket#start()} to count every
 * job. One instance serves one registry and one engine; to publish to several registries, bind to
 * a {@code CompositeMeterRegistry}.
 *
 * <p><b>Tag cardinality.</b> At most {@code maxFunctions} distinct function names are used as the
 * {@code function} tag (the first ones seen); later ones are tagged {@value #OTHER_FUNCTION}. Queue
 * names are not capped: they come from the host's configuration.
 *
 * <p>Thread-safe: the engine calls {@link #onEvent} from its worker and dispatcher threads, and
 * registries read the gauges from theirs.
 */
public final class DocketMeters implements DocketListener, MeterBinder {

  /** Distinct function names used as tags unless the constructor says otherwise. */
  public static final int DEFAULT_MAX_FUNCTIONS = 200;
  /** The {@code function} tag of functions beyond the cap. */
  public static final String OTHER_FUNCTION = "other";
  /** How long one depth read serves the gauges. */
  public static final Duration DEPTH_CACHE = Duration.ofSeconds(1);

  /** Counter of jobs that reached a terminal state. */
  public static final String JOBS_FINISHED = "docket.jobs.finished";
  /** Timer from due to started, per attempt. */
  public static final String JOB_WAIT = "docket.job.wait";
  /** Timer from started to the end of the attempt. */
  public static final String JOB_RUN = "docket.job.run";
  /** Gauge of unfinished jobs per queue and state. */
  public static final String JOBS = "docket.jobs";

  private static final Logger log = LoggerFactory.getLogger(DocketMeters.class);

  private static final List<JobStatus> GAUGED_STATES =
      List.of(
          JobStatus.SCHEDULED, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.AWAITING_APPROVAL);

  private final int maxFunctions;
  private final long depthCacheNanos;
  private final LongSupplier nanoTime;

  private volatile @Nullable MeterRegistry registry;
  private volatile @Nullable Docket docket;

  /** Function names used as tags; guarded by itself for the slow path. */
  private final Set<String> functions = ConcurrentHashMap.newKeySet();

  private final Set<String> seenQueues = ConcurrentHashMap.newKeySet();
  private final Set<String> gaugedQueues = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<Key, Counter> finished = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, Timer> waits = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, Timer> runs = new ConcurrentHashMap<>();

  private final Object depthLock = new Object();
  // guarded by depthLock; depth is null after a failed read
  private @Nullable Map<String, QueueDepth> depth;
  private boolean depthRead;
  private boolean depthFailing;
  private long depthReadAt;

  /** Meters with the default cap of {@value #DEFAULT_MAX_FUNCTIONS} function tags. */
  public DocketMeters() {
    this(DEFAULT_MAX_FUNCTIONS);
  }

  /**
   * Meters that tag at most {@code maxFunctions} distinct function names.
   *
   * @throws IllegalArgumentException when {@code maxFunctions} is negative
   */
  public DocketMeters(int maxFunctions) {
    this(maxFunctions, DEPTH_CACHE, System::nanoTime);
  }

  /** For tests: a cache age and a ticker they control. */
  DocketMeters(int maxFunctions, Duration depthCache, LongSupplier nanoTime) {
    if (maxFunctions < 0) {
      throw new IllegalArgumentException("maxFunctions must be >= 0, was " + maxFunctions);
    }
    this.maxFunctions = maxFunctions;
    this.depthCacheNanos = Objects.requireNonNull(depthCache, "depthCache").toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Registers the meters with {@code registry}; those that depend on tags register as the tags are
   * seen. Calling it again with the same registry does nothing.
   *
   * @throws IllegalStateException when already bound to another registry
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (this) {
      MeterRegistry bound = this.registry;
      if (bound == registry) {
        return;
      }
      if (bound != null) {
        throw new IllegalStateException(
            "DocketMeters is bound to " + bound + " already; bind to a CompositeMeterRegistry to publish to several");
      }
      this.registry = registry;
    }
    discoverQueues();
  }

  /**
   * Makes {@code docket} the source of the {@value #JOBS} gauges. The same instance should also be
   * the engine's listener ({@link Docket.Builder#listener}). Calling it again with the same engine
   * does nothing.
   *
   * @return this
   * @throws IllegalStateException when already watching another engine
   */
  public DocketMeters watch(Docket docket) {
    Objects.requireNonNull(docket, "docket");
    synchronized (this) {
      Docket watched = this.docket;
      if (watched == docket) {
        return this;
      }
      if (watched != null) {
        throw new IllegalStateException(
            "DocketMeters watches node " + watched.nodeId() + " already; use one DocketMeters per engine");
      }
      this.docket = docket;
    }
    discoverQueues();
    return this;
  }

  /** Counts and times job transitions; called by the engine. */
  @Override
  public void onEvent(DocketEvent event) {
    if (!(event instanceof DocketEvent.JobChanged changed)) {
      return;
    }
    Job job = changed.job();
    JobEvent e = changed.event();
    noteQueue(job.queue());
    MeterRegistry r = registry;
    Optional<JobStatus> from = e.from();
    if (r == null || from.isEmpty() || from.get() == e.to()) {
      return; // not bound yet, a new job, or a note such as "cancel requested"
    }
    Key key = new Key(job.queue(), functionTag(job.function()), "");
    JobStatus to = e.to();
    if (to == JobStatus.RUNNING) {
      job.startedAt()
          .ifPresent(started -> waitTimer(r, key).record(nonNegative(job.scheduledAt(), started)));
    }
    if (from.get() == JobStatus.RUNNING) {
      Instant end = to.isTerminal() ? job.finishedAt().orElse(e.at()) : e.at();
      job.startedAt().ifPresent(started -> runTimer(r, key).record(nonNegative(started, end)));
    }
    if (to.isTerminal()) {
      finishedCounter(r, new Key(key.queue(), key.function(), to.wireName())).increment();
    }
  }

  @Override
  public String toString() {
    Docket d = docket;
    return "DocketMeters[" + (d == null ? "unwatched" : d.nodeId().toString()) + "]";
  }

  // ---------------------------------------------------------------- counters and timers

  private String functionTag(String function) {
    if (functions.contains(function)) {
      return function;
    }
    synchronized (functions) {
      if (functions.contains(function)) {
        return function;
      }
      if (functions.size() < maxFunctions) {
        functions.add(function);
        return function;
      }
      return OTHER_FUNCTION;
    }
  }

  private Counter finishedCounter(MeterRegistry r, Key k) {
    return finished.computeIfAbsent(
        k,
        x ->
            Counter.builder(JOBS_FINISHED)
                .description("Jobs that reached a terminal state, by outcome")
                .tag("queue", x.queue())
                .tag("function", x.function())
                .tag("outcome", x.outcome())
                .register(r));
  }

  private Timer waitTimer(MeterRegistry r, Key k) {
    return waits.computeIfAbsent(
        k,
        x ->
            Timer.builder(JOB_WAIT)
                .description("Time from a job attempt being due to it starting")
                .tag("queue", x.queue())
                .tag("function", x.function())
                .register(r));
  }

  private Timer runTimer(MeterRegistry r, Key k) {
    return runs.computeIfAbsent(
        k,
        x ->
            Timer.builder(JOB_RUN)
                .description("Time a job attempt ran, whatever its outcome")
                .tag("queue", x.queue())
                .tag("function", x.function())
                .register(r));
  }

  private static Duration nonNegative(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.isNegative() ? Duration.ZERO : d;
  }

  // ---------------------------------------------------------------- depth gauges

  /** Registers the gauges of the queues the store knows now, once bound and watching. */
  private void discoverQueues() {
    if (registry != null && docket != null) {
      registerPendingGauges();
      depth();
    }
  }

  private void noteQueue(String queue) {
    if (seenQueues.add(queue)) {
      registerPendingGauges();
    }
  }

  private void registerPendingGauges() {
    MeterRegistry r = registry;
    if (r == null || docket == null) {
      return;
    }
    for (String queue : seenQueues) {
      if (gaugedQueues.add(queue)) {
        for (JobStatus state : GAUGED_STATES) {
          Gauge.builder(JOBS, this, m -> m.depthOf(queue, state))
              .description("Unfinished jobs in the store, by queue and state")
              .tag("queue", queue)
              .tag("state", state.wireName())
              .strongReference(true)
              .register(r);
        }
      }
    }
  }

  private double depthOf(String queue, JobStatus state) {
    Map<String, QueueDepth> all = depth();
    if (all == null) {
      return Double.NaN;
    }
    QueueDepth d = all.get(queue);
    if (d == null) {
      return 0; // queues with no unfinished job are absent
    }
    return switch (state) {
      case SCHEDULED -> d.scheduled();
      case QUEUED -> d.queued();
      case RUNNING -> d.running();
      case AWAITING_APPROVAL -> d.awaitingApproval();
      default -> throw new IllegalArgumentException("no gauge for " + state);
    };
  }

  /** The cached depth read, refreshed when older than the cache age; null when the read failed. */
  private @Nullable Map<String, QueueDepth> depth() {
    Docket d = docket;
    if (d == null) {
      return null;
    }
    Map<String, QueueDepth> fresh;
    synchronized (depthLock) {
      long now = nanoTime.getAsLong();
      if (depthRead && now - depthReadAt < depthCacheNanos) {
        return depth;
      }
      depthRead = true;
      depthReadAt = now;
      try {
        fresh = Map.copyOf(d.jobs().depth());
      } catch (RuntimeException e) {
        // a scrape must not fail because the store is briefly unreachable: the gauges show NaN
        if (!depthFailing) {
          depthFailing = true;
          log.warn("depth of node {} could not be read; gauges show NaN: {}", d.nodeId(), e.toString(), e);
        }
        depth = null;
        return null;
      }
      depth = fresh;
      depthFailing = false;
    }
    boolean added = false;
    for (String queue : fresh.keySet()) {
      added |= seenQueues.add(queue);
    }
    if (added) {
      registerPendingGauges();
    }
    return fresh;
  }

  private record Key(String queue, String function, String outcome) {}
}
