package dev.docket.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.DocketEvent;
import dev.docket.DocketListener;
import dev.docket.InvalidRequestException;
import dev.docket.Job;
import dev.docket.JobCancelledException;
import dev.docket.JobError;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobHandler;
import dev.docket.JobId;
import dev.docket.JobNotFoundException;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.QueueDepth;
import dev.docket.Cursor;
import dev.docket.ApprovalId;
import dev.docket.internal.action.ActionJobHandler;
import dev.docket.internal.admin.AdminService;
import dev.docket.internal.admin.MetricsRecorder;
import dev.docket.internal.hitl.ApprovalService;
import dev.docket.internal.schedule.ScheduleService;
import dev.docket.internal.json.Json;
import dev.docket.internal.security.Access;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.Completion;
import dev.docket.spi.InsertResult;
import dev.docket.spi.JobStore;
import dev.docket.spi.LeaseCheck;
import dev.docket.spi.NewApproval;
import dev.docket.spi.NewJob;
import dev.docket.spi.NodeInfo;
import dev.docket.spi.Outcome;
import dev.docket.spi.Store;
import dev.docket.spi.StoreSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The engine behind {@link dev.docket.Docket}: submits, claims, runs and finishes jobs. Each
 * background activity is a {@code runOnce} method ({@link #dispatchOnce()}, {@link
 * #watchdogOnce()}, {@link #heartbeatOnce()}, {@link #reapOnce()}); {@link #start()} wraps them in
 * loops on named threads, and tests may call them step by step instead. Thread-safe.
 */
public final class Engine {

  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  /** How many due jobs one promotion step moves. */
  static final int PROMOTE_BATCH = 1_000;
  /** How many expired leases one reaper step takes back. */
  static final int REAP_BATCH = 500;
  /** Longest pause of the watchdog while jobs with a deadline run. */
  static final Duration WATCHDOG_TICK = Duration.ofMillis(50);
  /**
   * Ended attempts that may wait for the acker before workers block. Outcomes of held fires'
   * jobs do not count (see {@link #finish}).
   */
  static final int ACK_QUEUE = 256;
  /** Most outcomes the acker stores in one call. */
  static final int ACK_BATCH = 512;
  /**
   * How long after its fire time a held fire's job waits for a worker before the engine weighs
   * giving it back: it keeps what its workers would start within {@link WorkerPool#HELD_WORK}.
   */
  static final Duration HOLD_GRACE = Duration.ofSeconds(1);
  /** Pause of a loop after the store failed, before it tries again. */
  static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

  private final EngineSettings settings;
  private final Store store;
  private final Map<String, WorkerPool> pools = new LinkedHashMap<>();
  private final Map<JobId, RunningJob> running = new ConcurrentHashMap<>();
  private final AtomicLong runSequence = new AtomicLong();
  /**
   * When fires that this node's scheduler enqueued ahead become due (ScheduleService.FIRE_AHEAD):
   * the dispatcher claims at each, since nothing in the store wakes it for a ready job that is not
   * yet due.
   */
  private final java.util.concurrent.ConcurrentSkipListSet<Instant> firesDue =
      new java.util.concurrent.ConcurrentSkipListSet<>();
  /**
   * Fires' jobs that the store stored claimed by this node ahead of their time
   * (ScheduleStore#fireDueAndHold), earliest first: the dispatcher hands each to a worker at its
   * time, with no claim then; of what is still waiting {@link #HOLD_GRACE} after its time, what the
   * workers would not start within that time goes back to the queue for any node. They are in
   * {@link #running} too (cancel, close). Guarded by itself.
   */
  private final java.util.PriorityQueue<RunningJob> heldFires =
      new java.util.PriorityQueue<>(
          java.util.Comparator.comparing((RunningJob r) -> r.job.scheduledAt()).thenComparingLong(r -> r.sequence));
  /** How many held jobs the dispatcher handed to workers, and when: the last {@link #HOLD_GRACE} only. Guarded by heldFires. */
  private final java.util.ArrayDeque<Map.Entry<Instant, Integer>> heldLaunches = new java.util.ArrayDeque<>();
  /** The fire time whose queue pause state the dispatcher last read before starting held jobs. */
  private volatile Instant pauseCheckedFor = Instant.MIN;
  /** When the dispatcher next looks for due {@code SCHEDULED} jobs. */
  private final java.util.concurrent.atomic.AtomicReference<Instant> nextPromotion =
      new java.util.concurrent.atomic.AtomicReference<>(Instant.MIN);
  private final Wakeup dispatchWakeup = new Wakeup();
  private final Wakeup watchdogWakeup = new Wakeup();
  private final Wakeup maintenanceWakeup = new Wakeup();
  private final Wakeup reaperWakeup = new Wakeup();
  private final Wakeup schedulerWakeup = new Wakeup();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set after the acker flushed: heartbeats, watchdog and reaper run through the shutdown. */
  private volatile boolean loopsStopping;
  private final List<Thread> loops = new ArrayList<>();
  private final Instant createdAt;
  private volatile boolean claiming = true;
  /** Whether the background loops run (start(), not a manual test engine): only then do submits claim too. */
  private volatile boolean dispatching;
  /**
   * Submits that claim hold the read lock from their reservation to their last launch; close()
   * takes the write lock once it has stopped claiming, so no such submit is still between its
   * claim and its launch when the pools shut down.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock closeBarrier =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private @Nullable AutoCloseable subscription;
  /** Ended attempts waiting to be stored by the acker, in batches. */
  private final java.util.concurrent.LinkedBlockingQueue<PendingAck> acks =
      new java.util.concurrent.LinkedBlockingQueue<>();
  /** Room in {@link #acks} for outcomes that count against {@link #ACK_QUEUE}. */
  private final java.util.concurrent.Semaphore ackRoom = new java.util.concurrent.Semaphore(ACK_QUEUE);
  private volatile boolean ackerStopping;
  private volatile List<Thread> ackers = List.of();
  /** Signalled when a worker finds the queue of outcomes full (see ackHelperLoop). */
  private final Wakeup ackBacklog = new Wakeup();
  private volatile boolean shuttingDown;
  private final ApprovalService approvals;
  private final ScheduleService schedules;
  private final ActionJobHandler actionHandler;
  private final MetricsRecorder recorder = new MetricsRecorder();
  private final AdminService admin;
  /** When the next retention batch may run (engine clock). */
  private volatile Instant nextRetention = Instant.MIN;

  public Engine(EngineSettings settings, Store store) {
    this.settings = settings;
    this.store = store;
    this.createdAt = settings.clock().instant();
    this.approvals =
        new ApprovalService(
            store,
            settings.clock(),
            settings.selfApproval(),
            new ApprovalService.Callbacks() {
              @Override
              public void jobMoved(dev.docket.spi.Decided d, JobStatus from, String by, String detail) {
                publishChange(d.job(), from, by, detail);
                if (d.job().status().isTerminal()) {
                  recorder.recordFinished(d.job().queue(), d.job().function(), d.job().status().wireName());
                }
                if (d.job().status() == JobStatus.QUEUED) {
                  dispatchWakeup.signal();
                } else if (d.job().status() == JobStatus.SCHEDULED) {
                  promoteBy(d.job().scheduledAt());
                  dispatchWakeup.signal();
                }
              }

              @Override
              public void published(DocketEvent event) {
                publish(event);
              }
            });
    this.actionHandler = new ActionJobHandler(settings.actions());
    this.admin =
        new AdminService(store, settings.clock(), recorder, settings.metricsWindow(), dispatchWakeup::signal);
    this.schedules =
        new ScheduleService(
            store,
            settings.clock(),
            settings.actions(),
            settings.scheduleQueue(),
            settings.defaultMaxAttempts(),
            settings.maxArgsBytes(),
            // ahead only where this node claims the fires: it alone is woken at their time
            () -> claiming && pools.containsKey(settings.scheduleQueue()) ? ScheduleService.FIRE_AHEAD : Duration.ZERO,
            this::holdRequest,
            result -> {
              boolean wake = false;
              Instant now = settings.clock().instant();
              for (dev.docket.spi.Fired f : result.fired()) {
                if (f.inserted() && f.job().isPresent()) {
                  publishChange(f.job().get(), null, "system", "fired by task " + f.task().id() + " for " + f.fireTime());
                  if (f.job().get().scheduledAt().isAfter(now)) {
                    firesDue.add(f.job().get().scheduledAt()); // fired ahead: claim it at its time
                  }
                  wake = true;
                }
              }
              hold(result.held(), now); // after their creation events
              if (wake) {
                dispatchWakeup.signal();
              }
            });
  }

  /**
   * What the scheduler may ask the store to store claimed for this node with the fires it carries
   * out ahead (null: nothing): only where the fires run here, up to the pool's hold target. The
   * lease covers the wait until the fire time, so heartbeats leave held jobs alone until then.
   */
  private @Nullable ClaimRequest holdRequest(Instant now) {
    WorkerPool pool = pools.get(settings.scheduleQueue());
    if (pool == null || !claiming || !dispatching && !manualHold || closed.get()) {
      return null;
    }
    int room;
    synchronized (heldFires) {
      room = pool.holdTarget() - heldFires.size();
    }
    return room <= 0
        ? null
        : new ClaimRequest(
            settings.nodeId(), pool.queue, room, now, settings.leaseDuration().plus(ScheduleService.FIRE_AHEAD));
  }

  /** Whether an engine driven step by step (no loops) holds fires too, for tests. */
  private volatile boolean manualHold;

  /** Lets an engine driven step by step, without its loops, hold fires' jobs like a started one. */
  public void holdFiresWhenManual(boolean hold) {
    this.manualHold = hold;
  }

  /** Keeps the jobs a fire stored claimed for this node until their time (or gives them back if closing). */
  private void hold(List<ClaimedJob> held, Instant now) {
    if (held.isEmpty()) {
      return;
    }
    List<RunningJob> runs = new ArrayList<>(held.size());
    for (ClaimedJob c : held) {
      RunningJob r = new RunningJob(c.job(), c.lease(), runSequence.incrementAndGet());
      r.heldFor = c.job().scheduledAt();
      r.heldSince = now;
      runs.add(r);
    }
    boolean open = closeBarrier.readLock().tryLock();
    try {
      for (RunningJob r : runs) {
        running.put(r.job.id(), r);
      }
      if (!open || closed.get()) {
        for (RunningJob r : runs) {
          finish(r, new Outcome.Released("engine " + settings.nodeId() + " shut down before the fire time"));
        }
        return;
      }
      synchronized (heldFires) {
        heldFires.addAll(runs);
      }
      for (RunningJob r : runs) {
        Instant due = r.job.scheduledAt();
        firesDue.add(due);
        // to give back what no worker took by then
        firesDue.add((due.isAfter(now) ? due : now).plus(HOLD_GRACE));
      }
    } finally {
      if (open) {
        closeBarrier.readLock().unlock();
      }
    }
    log.debug("{} fire job(s) held for their time, the first at {}", runs.size(), runs.get(0).job.scheduledAt());
  }

  /**
   * Hands the held fires' jobs that are due to free workers of {@code pool}; of those waiting
   * {@link #HOLD_GRACE} past their time it gives back what the workers would not start within
   * that time ({@link WorkerPool#keepPastGrace()}), and all that are due while the queue is paused;
   * returns how many it handed over, negated when due ones are left (no free worker).
   */
  private int launchDueHeld(WorkerPool pool, Instant now) {
    List<RunningJob> launch = new ArrayList<>();
    List<RunningJob> giveBack = new ArrayList<>();
    Instant firstDue;
    synchronized (heldFires) {
      RunningJob first = heldFires.peek();
      if (first == null || first.job.scheduledAt().isAfter(now)) {
        return 0;
      }
      firstDue = first.job.scheduledAt();
    }
    boolean paused = false;
    if (firstDue.isAfter(pauseCheckedFor)) {
      // once per fire time: a queue paused before the fire time holds its held jobs too
      paused = store.admin().pausedQueues().contains(pool.queue);
      pauseCheckedFor = paused ? Instant.MIN : firstDue;
    }
    boolean left;
    synchronized (heldFires) {
      while (paused && !heldFires.isEmpty() && !heldFires.peek().job.scheduledAt().isAfter(now)) {
        giveBack.add(heldFires.poll());
      }
      int free = pool.takeSlots(heldFires.size());
      while (!heldFires.isEmpty() && !heldFires.peek().job.scheduledAt().isAfter(now)) {
        RunningJob r = heldFires.peek();
        if (r.finalized.get()) {
          heldFires.poll(); // cancelled, say
        } else if (launch.size() < free) {
          launch.add(heldFires.poll());
        } else {
          break;
        }
      }
      pool.releaseSlots(free - launch.size());
      if (!launch.isEmpty()) {
        heldLaunches.addLast(Map.entry(now, launch.size()));
      }
      while (!heldLaunches.isEmpty() && heldLaunches.peekFirst().getKey().isBefore(now.minus(HOLD_GRACE))) {
        heldLaunches.pollFirst();
      }
      // past the grace, the workers keep what they would start within WorkerPool.HELD_WORK, at the
      // pace of their starts of the last second or at the handlers' mean run time, whichever
      // keeps more (run times measured under a full CPU overstate); the rest goes back to the
      // queue, for any node
      RunningJob oldest = heldFires.peek();
      int keep = Integer.MAX_VALUE;
      if (oldest != null && now.isAfter(oldest.job.scheduledAt().plus(HOLD_GRACE))) {
        int recent = 0;
        for (Map.Entry<Instant, Integer> e : heldLaunches) {
          recent += e.getValue();
        }
        long atPace = recent * (WorkerPool.HELD_WORK.toMillis() / HOLD_GRACE.toMillis());
        keep = (int) Math.min(Integer.MAX_VALUE, Math.max(atPace, pool.keepPastGrace()));
      }
      if (keep < heldFires.size()) {
        List<RunningJob> stay = new ArrayList<>();
        List<RunningJob> notYet = new ArrayList<>();
        while (!heldFires.isEmpty() && now.isAfter(heldFires.peek().job.scheduledAt().plus(HOLD_GRACE))) {
          RunningJob r = heldFires.poll();
          Instant since = r.heldSince;
          if (r.finalized.get()) {
            continue;
          }
          if (since != null && !now.isAfter(since.plus(HOLD_GRACE))) {
            notYet.add(r); // fired late: its grace counts from when it was held
          } else {
            (stay.size() < keep ? stay : giveBack).add(r);
          }
        }
        heldFires.addAll(stay);
        heldFires.addAll(notYet);
      }
      RunningJob next = heldFires.peek();
      left = next != null && !next.job.scheduledAt().isAfter(now);
    }
    if (!giveBack.isEmpty()) {
      log.info(
          "{} held fire job(s) of queue {} go back to the queue: {} (handlers' mean run time {} µs)",
          giveBack.size(), pool.queue, paused ? "the queue is paused" : "not started within " + HOLD_GRACE + " of their time",
          pool.meanRunMicros());
    }
    for (RunningJob r : giveBack) {
      r.heldFor = null;
      finish(r, new Outcome.Released(paused ? "queue " + pool.queue + " paused at its fire time" : "not started on " + settings.nodeId() + " within " + HOLD_GRACE + " of its fire time"));
    }
    for (RunningJob r : launch) {
      r.heldFor = null;
      launchRun(pool, r, true);
    }
    return left ? -launch.size() - 1 : launch.size();
  }

  /**
   * Ends a held fire's job that a cancel reached before its time (it never starts), if it is still
   * held; returns whether it was.
   */
  private boolean cancelHeld(RunningJob r, Instant now) {
    synchronized (heldFires) {
      if (!heldFires.remove(r)) {
        return false;
      }
    }
    r.heldFor = null;
    r.requestCancel(now);
    finish(r, new Outcome.Cancelled("cancelled before its fire time"));
    return true;
  }

  /** The admin operations and metrics. */
  public AdminService admin() {
    return admin;
  }

  /** This node's wait and run time histograms. */
  public MetricsRecorder recorder() {
    return recorder;
  }

  /** The scheduler's service. */
  public ScheduleService schedules() {
    return schedules;
  }

  /** The approval gate's service. */
  public ApprovalService approvals() {
    return approvals;
  }

  public EngineSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * The most a queue with {@code workers} workers buffers when the builder set no prefetch: the
   * store's hint per worker (the buffer then adapts to the handlers' run times, see WorkerPool).
   */
  private int defaultPrefetch(int workers) {
    int perWorker = store.prefetchPerWorker();
    if (perWorker < 0) {
      throw new IllegalStateException("store " + store + " hints a negative prefetch per worker: " + perWorker);
    }
    return (int) Math.min(10_000L, (long) perWorker * workers);
  }

  /** Creates the worker pools and registers the node, without starting the loops. */
  public void startWorkers() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("Docket " + settings.nodeId() + " was already started");
    }
    if (closed.get()) {
      throw new IllegalStateException("Docket " + settings.nodeId() + " is closed");
    }
    settings.workers().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                pools.put(
                    e.getKey(),
                    new WorkerPool(
                        e.getKey(),
                        e.getValue(),
                        settings.prefetch() < 0 ? defaultPrefetch(e.getValue()) : settings.prefetch(),
                        settings.prefetch() < 0)));
    Instant now = settings.clock().instant();
    store.nodes().register(new NodeInfo(settings.nodeId(), now, now, 0, totalWorkers(), settings.workers()));
    if (!pools.isEmpty()) {
      int n = store.ackWriters();
      if (n < 1) {
        throw new IllegalStateException("store " + store + " hints " + n + " ack writers; at least 1");
      }
      List<Thread> ts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean helper = i > 0;
        Thread t = new Thread(helper ? this::ackHelperLoop : this::ackLoop, helper ? "docket-acker-" + (i + 1) : "docket-acker");
        t.setDaemon(true);
        ts.add(t);
      }
      ackers = List.copyOf(ts);
      ts.forEach(Thread::start);
    }
  }

  /** Starts workers and the background loops. */
  public void start() {
    startWorkers();
    log.info(
        "Docket {} starting: workers {}, lease {}, heartbeat {}, poll {}, max attempts {}",
        settings.nodeId(),
        settings.workers(),
        settings.leaseDuration(),
        settings.heartbeatInterval(),
        settings.pollInterval(),
        settings.defaultMaxAttempts());
    // a producer-only node runs nothing: no work or cancel signal concerns it, and a LISTEN
    // connection would only wake it on every submit of every node
    subscription =
        pools.isEmpty()
            ? null
            : store.subscribe(
                new StoreSignals() {
                  @Override
                  public void workAvailable(String queue) {
                    if (pools.containsKey(queue) || "*".equals(queue)) {
                      dispatchWakeup.signal();
                    }
                  }

                  @Override
                  public void cancelRequested(JobId jobId) {
                    RunningJob r = running.get(jobId);
                    if (r != null && cancelHeld(r, settings.clock().instant())) {
                      log.info("job {}: cancelled on another node before its fire time", jobId);
                    } else if (r != null && r.requestCancel(settings.clock().instant())) {
                      log.info("job {}: cancel requested on another node", jobId);
                      watchdogWakeup.signal();
                    }
                  }
                });
    if (!pools.isEmpty()) {
      loop("docket-dispatcher", dispatchWakeup, this::dispatchLoopStep);
      loop("docket-watchdog", watchdogWakeup, this::watchdogLoopStep);
      dispatching = true;
    }
    loop("docket-heartbeat", maintenanceWakeup, this::heartbeatLoopStep);
    loop("docket-scheduler", schedulerWakeup, this::schedulerLoopStep);
    loop("docket-reaper", reaperWakeup, this::reaperLoopStep);
    log.info("Docket {} started", settings.nodeId());
  }

  /** One turn of a loop: does its work and says how long to wait before the next. */
  @FunctionalInterface
  private interface LoopStep {
    Duration run();
  }

  private void loop(String name, Wakeup wakeup, LoopStep step) {
    Thread t =
        new Thread(
            () -> {
              MDC.put("docket.node", settings.nodeId().value());
              boolean failing = false;
              while (!loopsStopping) {
                Duration wait;
                try {
                  wait = step.run();
                  if (failing) {
                    log.info("{} recovered", name);
                    failing = false;
                  }
                } catch (RuntimeException e) {
                  // the store is down or failing: say so once, then keep retrying quietly
                  if (!failing) {
                    log.warn("{} failed, retrying every {} until it works: {}", name, ERROR_PAUSE, e.toString(), e);
                    failing = true;
                  } else {
                    log.debug("{} still failing: {}", name, e.toString());
                  }
                  wait = ERROR_PAUSE;
                }
                try {
                  wakeup.awaitUpTo(wait);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            },
            name);
    t.setDaemon(true);
    loops.add(t);
    t.start();
  }

  private Duration dispatchLoopStep() {
    if (!claiming) {
      return settings.pollInterval();
    }
    DispatchResult r = dispatchOnce();
    if (r.mayHaveMore()) {
      return Duration.ZERO;
    }
    return nextDispatchWait();
  }

  /**
   * How long the dispatcher waits after a step that found nothing more: the poll interval, or less
   * when a promotion or a fire that this node enqueued ahead is due sooner.
   */
  public Duration nextDispatchWait() {
    Duration wait = settings.pollInterval();
    Instant next = nextPromotion.get();
    Instant fire = firesDue.ceiling(Instant.MIN); // the earliest, or null: never throws when empty
    if (fire != null && fire.isBefore(next)) {
      next = fire;
    }
    Duration untilPromotion = Duration.between(settings.clock().instant(), next);
    if (untilPromotion.compareTo(wait) < 0) {
      wait = untilPromotion.isNegative() ? Duration.ZERO : untilPromotion;
    }
    return wait;
  }

  private Duration watchdogLoopStep() {
    watchdogOnce();
    return running.isEmpty() ? settings.pollInterval() : WATCHDOG_TICK;
  }

  private Duration heartbeatLoopStep() {
    heartbeatOnce();
    return settings.heartbeatInterval();
  }

  private Duration schedulerLoopStep() {
    int fired = schedules.fireOnce();
    if (fired >= ScheduleService.FIRE_BATCH) {
      return Duration.ZERO;
    }
    Duration wait = settings.pollInterval();
    Optional<Instant> due = schedules.nextDue();
    if (due.isPresent()) {
      Duration until =
          Duration.between(settings.clock().instant(), due.get().minus(schedules.ahead()));
      if (until.compareTo(wait) < 0) {
        wait = until.isNegative() ? Duration.ZERO : until;
      }
    }
    return wait;
  }

  /** Tells the scheduler loop that tasks changed, so it recomputes how long to wait. */
  public void schedulesChanged() {
    schedulerWakeup.signal();
  }

  private Duration reaperLoopStep() {
    int expired = 0;
    try {
      expired = approvals.expireOnce();
    } catch (RuntimeException e) {
      log.warn("approval expiry failed, retrying: {}", e.toString());
    }
    int reaped = reapOnce();
    try {
      retentionOnce();
    } catch (RuntimeException e) {
      log.warn("retention purge failed, retrying: {}", e.toString());
    }
    return reaped >= REAP_BATCH || expired >= ApprovalService.EXPIRE_BATCH
        ? Duration.ZERO
        : settings.heartbeatInterval();
  }

  /**
   * Graceful close: stop claiming, let running jobs finish within the shutdown grace period, then
   * interrupt them, give back what is still unfinished, stop the loops, leave the node registry
   * and close the store. Idempotent.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("Docket {} closing…", settings.nodeId());
    claiming = false;
    dispatchWakeup.signal();
    closeBarrier.writeLock().lock(); // waits for submits between their claim and their launch
    closeBarrier.writeLock().unlock();
    try {
      List<RunningJob> held;
      synchronized (heldFires) {
        held = new ArrayList<>(heldFires);
        heldFires.clear();
      }
      for (RunningJob r : held) {
        r.heldFor = null;
        finish(r, new Outcome.Released("engine " + settings.nodeId() + " shut down before the fire time"));
      }
      for (WorkerPool p : pools.values()) {
        for (WorkerPool.Task t : p.shutdownAndDrain()) {
          p.releaseSlot();
          running.remove(t.job.job.id(), t.job);
          finish(t.job, new Outcome.Released("engine " + settings.nodeId() + " shut down before it started"));
        }
      }
      boolean drained = awaitPools(settings.shutdownGrace());
      if (!drained) {
        log.warn(
            "Docket {}: {} job(s) still running after the shutdown grace period {}; interrupting",
            settings.nodeId(),
            running.size(),
            settings.shutdownGrace());
        shuttingDown = true;
        running.values().forEach(RunningJob::interrupt);
        pools.values().forEach(WorkerPool::shutdownNow);
        awaitPools(settings.cancelGrace());
      }
      for (RunningJob r : List.copyOf(running.values())) {
        finish(r, new Outcome.Released("engine " + settings.nodeId() + " shut down"));
      }
      stopAcker();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      loopsStopping = true;
      closeSubscription();
      // wake the loops instead of interrupting them: an interrupt in the middle of a store call
      // would close an embedded H2 database's file under us
      for (Wakeup w : List.of(dispatchWakeup, watchdogWakeup, maintenanceWakeup, reaperWakeup, schedulerWakeup)) {
        w.signal();
      }
      for (Thread t : loops) {
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        if (started.get()) {
          store.nodes().remove(settings.nodeId());
        }
      } catch (RuntimeException e) {
        log.warn("Docket {}: could not leave the node registry: {}", settings.nodeId(), e.toString());
      }
      store.close();
      log.info("Docket {} closed", settings.nodeId());
    }
  }

  private void closeSubscription() {
    AutoCloseable s = subscription;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        log.warn("Docket {}: could not close the store subscription: {}", settings.nodeId(), e.toString());
      }
    }
  }

  private boolean awaitPools(Duration max) throws InterruptedException {
    long budget = max.toMillis();
    boolean all = true;
    for (WorkerPool p : pools.values()) {
      long t0 = System.nanoTime();
      all &= p.awaitTermination(Duration.ofMillis(Math.max(0, budget)));
      budget -= (System.nanoTime() - t0) / 1_000_000;
    }
    return all;
  }

  public boolean isClosed() {
    return closed.get();
  }

  // ---------------------------------------------------------------- the queue's operations

  public Job submit(Principal p, JobRequest request) {
    return submitAll(p, List.of(request)).get(0);
  }

  /** Submits one job and says whether it was created or already existed (repeated job id). */
  public dev.docket.Submission submitIfAbsent(Principal p, JobRequest request) {
    InsertResult r = insert(p, List.of(request)).get(0);
    return new dev.docket.Submission(r.job(), r.inserted());
  }

  public List<Job> submitAll(Principal p, List<JobRequest> requests) {
    return insert(p, requests).stream().map(InsertResult::job).toList();
  }

  private List<InsertResult> insert(Principal p, List<JobRequest> requests) {
    Access.requireSubmit(p);
    if (requests.isEmpty()) {
      return List.of();
    }
    Instant now = settings.clock().instant();
    List<NewJob> resolved = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      resolved.add(resolve(p, requests.get(i), now, requests.size() == 1 ? "" : "requests[" + i + "]."));
    }
    Reservation reserved = reserveForSubmit(resolved);
    if (reserved == null) {
      List<InsertResult> results = store.jobs().insertAll(resolved, p.id());
      afterInsert(p, results, List.of(), null, now);
      return results;
    }
    // holds the close barrier's read lock from the reservation to the last launch
    List<ClaimedJob> claimed = List.of();
    try {
      List<InsertResult> results;
      try {
        JobStore.InsertedAndClaimed both =
            store.jobs().insertAllAndClaim(resolved, p.id(), reserved.request(settings, now));
        results = both.inserted();
        claimed = both.claimed();
      } finally {
        reserved.giveBack(Math.min(claimed.size(), reserved.slots()));
      }
      afterInsert(p, results, claimed, reserved, now);
      return results;
    } finally {
      closeBarrier.readLock().unlock();
    }
  }

  /** Tells listeners about new jobs, starts those the submit claimed, wakes the dispatcher when needed. */
  private void afterInsert(
      Principal p, List<InsertResult> results, List<ClaimedJob> claimed, @Nullable Reservation reserved, Instant now) {
    try {
      List<JobId> gated = new ArrayList<>();
      boolean wake = false;
      for (InsertResult r : results) {
        if (r.inserted()) {
          publishChange(r.job(), null, p.id(), "");
          if (r.job().status() == JobStatus.AWAITING_APPROVAL) {
            gated.add(r.job().id());
          }
          // ready in a queue this node has no workers for: other nodes hear of it from the store
          wake |= r.job().status() == JobStatus.QUEUED && pools.containsKey(r.job().queue());
          if (r.job().status() == JobStatus.SCHEDULED) {
            promoteBy(r.job().scheduledAt());
            wake = true;
          }
        }
      }
      if (!settings.listeners().isEmpty()) {
        approvals.created(gated);
      }
      if (wake
          && reserved != null
          && !claimed.isEmpty()
          && claimed.size() < reserved.slots()
          && onlyReadyIn(reserved.pool().queue, results)) {
        wake = false; // the submit's own claim took every ready job there was: nothing for the dispatcher
      }
      if (wake) {
        dispatchWakeup.signal();
      }
    } finally {
      // after the creation events; and whatever failed above (a listener's Error, say), no
      // claimed job is left without a worker
      launchClaimed(claimed, reserved, now);
    }
  }

  /** Launches the jobs a submit claimed (launch hands a refused job back itself). */
  private void launchClaimed(List<ClaimedJob> claimed, @Nullable Reservation reserved, Instant now) {
    for (int k = 0; reserved != null && k < claimed.size(); k++) {
      launch(reserved.pool(), claimed.get(k), now, k < reserved.slots());
    }
  }

  private static boolean onlyReadyIn(String queue, List<InsertResult> results) {
    for (InsertResult r : results) {
      if (r.inserted() && (r.job().status() != JobStatus.QUEUED || !r.job().queue().equals(queue))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Free worker slots taken ahead of a claim that rides on a submit's write, so the dispatcher
   * cannot hand the same slots out meanwhile; what the claim did not fill goes back.
   */
  private record Reservation(WorkerPool pool, int slots) {
    ClaimRequest request(EngineSettings settings, Instant now) {
      return new ClaimRequest(settings.nodeId(), pool.queue, slots, now, settings.leaseDuration());
    }

    void giveBack(int used) {
      pool.releaseSlots(slots - used);
    }
  }

  /**
   * A submit on this node claims in its own transaction when a worker of the queue is idle: the
   * job starts without waiting for the dispatcher's next claim (one commit instead of two, no
   * hand-over between threads). Not for jobs that wait (a delay, an approval), not when claimed
   * jobs already wait in the buffer, not on a test engine without loops, not while closing.
   */
  private @Nullable Reservation reserveForSubmit(List<NewJob> jobs) {
    if (!dispatching || !claiming || closed.get()) {
      return null;
    }
    if (!closeBarrier.readLock().tryLock()) {
      return null; // closing
    }
    Reservation r = null;
    try {
      r = reserveForSubmitLocked(jobs);
      return r;
    } finally {
      if (r == null) {
        closeBarrier.readLock().unlock();
      }
    }
  }

  private @Nullable Reservation reserveForSubmitLocked(List<NewJob> jobs) {
    if (!claiming || closed.get()) {
      return null;
    }
    String queue = null;
    int ready = 0;
    for (NewJob j : jobs) {
      if (j.status() != JobStatus.QUEUED || !pools.containsKey(j.queue())) {
        continue;
      }
      if (queue == null) {
        queue = j.queue();
      }
      if (queue.equals(j.queue())) {
        ready++;
      }
    }
    if (queue == null) {
      return null;
    }
    WorkerPool pool = pools.get(queue);
    if (!pool.hasIdleWorker()) {
      return null;
    }
    // one slot more than the new jobs when one is free: a claim that then comes back short shows
    // that the queue is empty, and the dispatcher need not look (see afterInsert)
    int n = pool.takeSlots(ready + 1);
    return n == 0 ? null : new Reservation(pool, n);
  }

  private NewJob resolve(Principal p, JobRequest r, Instant now, String prefix) {
    if (settings.checkFunctions() && !settings.handlers().containsKey(r.function())) {
      throw new InvalidRequestException(
          prefix + "function",
          "no handler is registered for '"
              + r.function()
              + "'; registered: "
              + new java.util.TreeSet<>(settings.handlers().keySet()));
    }
    if (r.approval().isPresent() && r.approval().get().approvers().contains(p.id()) && !Access.isTrustedHost(p)) {
      throw new InvalidRequestException(
          prefix + "approval.approvers", "must not name the requester '" + p.id() + "': nobody approves their own request");
    }
    if (r.jobId().isPresent() && isFireId(r.jobId().get())) {
      throw new InvalidRequestException(
          prefix + "jobId", "'" + r.jobId().get() + "' has the form of a scheduled task's fire id (<task id>:<minute>Z); choose another");
    }
    if (!Json.fitsIn(r.args(), settings.maxArgsBytes())) {
      throw new InvalidRequestException(
          prefix + "args",
          "is " + Json.sizeInBytes(r.args()) + " bytes of JSON, more than the limit of " + settings.maxArgsBytes());
    }
    Instant due = r.runAt().orElseGet(() -> now.plus(r.delay().orElse(Duration.ZERO)));
    JobStatus status =
        r.approval().isPresent()
            ? JobStatus.AWAITING_APPROVAL
            : due.isAfter(now) ? JobStatus.SCHEDULED : JobStatus.QUEUED;
    Optional<NewApproval> approval =
        r.approval()
            .map(
                a ->
                    new NewApproval(
                        ApprovalId.random(), a.reason(), a.approvers(), a.expiresIn().map(now::plus)));
    return new NewJob(
        r.jobId().orElseGet(() -> JobId.random(settings.clock())),
        r.function(),
        r.queue(),
        status,
        r.priority(),
        r.args(),
        r.maxAttempts().orElse(settings.defaultMaxAttempts()),
        r.correlationId(),
        p.id(),
        r.timeout(),
        r.backoff(),
        now,
        due,
        approval,
        r.jobId().isEmpty());
  }

  public Optional<Job> find(Principal p, JobId id) {
    return store.jobs().find(id).filter(j -> Access.canSee(p, j));
  }

  public Job get(Principal p, JobId id) {
    return find(p, id).orElseThrow(() -> new JobNotFoundException(id));
  }

  public Job cancel(Principal p, JobId id) {
    Job before = get(p, id);
    Instant now = settings.clock().instant();
    Job after =
        store.jobs().requestCancel(id, now, p.id()).orElseThrow(() -> new JobNotFoundException(id));
    if (after.status() == JobStatus.RUNNING) {
      RunningJob r = running.get(id);
      if (r != null && cancelHeld(r, now)) {
        log.info("job {}: cancelled by {} before its fire time", id, p.id());
      } else if (r != null && r.requestCancel(now)) {
        log.info("job {}: cancel requested by {}", id, p.id());
        watchdogWakeup.signal();
      }
      if (!before.cancelRequested()) {
        publishChange(after, JobStatus.RUNNING, p.id(), "cancel requested");
      }
    } else {
      publishChange(after, before.status(), p.id(), "");
      if (before.status() == JobStatus.AWAITING_APPROVAL && !settings.listeners().isEmpty()) {
        for (dev.docket.ApprovalRequest a : store.approvals().findByJobs(List.of(id))) {
          publish(new DocketEvent.ApprovalChanged(a));
        }
      }
    }
    return after;
  }

  public Job retry(Principal p, JobId id) {
    Job before = get(p, id);
    Job after =
        store
            .jobs()
            .retry(id, settings.clock().instant(), p.id())
            .orElseThrow(() -> new JobNotFoundException(id));
    publishChange(after, before.status(), p.id(), "retry");
    dispatchWakeup.signal();
    return after;
  }

  public Page<Job> list(Principal p, JobFilter filter, Optional<Cursor> cursor, int limit) {
    Page.checkLimit(limit);
    return store.jobs().list(Access.scope(p, filter), cursor, limit);
  }

  public Map<String, QueueDepth> depth(Principal p) {
    Map<String, QueueDepth> out = new TreeMap<>();
    for (QueueDepth d : store.jobs().depth(Access.ownerScope(p), settings.clock().instant())) {
      out.put(d.queue(), d);
    }
    return out;
  }

  public List<JobEvent> events(Principal p, JobId id) {
    get(p, id);
    return store.jobs().events(id);
  }

  // ---------------------------------------------------------------- dispatching

  /** What one dispatch step did. */
  public record DispatchResult(int promoted, int started, boolean mayHaveMore) {}

  /** Promotes due jobs and starts as many as there are free workers. */
  public DispatchResult dispatchOnce() {
    Instant now = settings.clock().instant();
    firesDue.headSet(now, true).clear(); // due now: the claims below take them
    List<Job> promoted = List.of();
    if (!now.isBefore(nextPromotion.get())) {
      // promotion is global and cheap, but not free: run it when something is due, and once per
      // poll interval for deferred jobs that other nodes submitted
      nextPromotion.set(now.plus(settings.pollInterval()));
      promoted = store.jobs().promoteDue(now, PROMOTE_BATCH);
      if (promoted.size() >= PROMOTE_BATCH) {
        nextPromotion.set(now);
      } else {
        store.jobs().nextScheduledAt(pools.keySet()).ifPresent(this::promoteBy);
      }
    }
    for (Job j : promoted) {
      publishChange(j, JobStatus.SCHEDULED, "system", "due");
    }
    int startedNow = 0;
    boolean more = promoted.size() >= PROMOTE_BATCH;
    if (claiming) {
      boolean mayRemain = false;
      for (WorkerPool pool : pools.values()) {
        if (pool.queue.equals(settings.scheduleQueue())) {
          int held = launchDueHeld(pool, now);
          startedNow += held < 0 ? -held - 1 : held;
          if (held < 0) {
            mayRemain = true;
            continue; // every free worker has a held job
          }
        }
        int free = pool.freeSlots();
        if (free == 0 || !pool.worthClaiming()) {
          mayRemain = true; // not looked at: its queue may hold ready jobs
          continue;
        }
        // take the slots first: a submit that claims on its own may take free ones meanwhile
        int held = pool.takeSlots(free);
        if (held == 0) {
          mayRemain = true;
          continue;
        }
        List<ClaimedJob> claimed = List.of();
        try {
          claimed =
              store
                  .jobs()
                  .claim(new ClaimRequest(settings.nodeId(), pool.queue, held, now, settings.leaseDuration()));
        } finally {
          pool.releaseSlots(held - Math.min(held, claimed.size()));
        }
        mayRemain |= claimed.size() >= held;
        for (int i = 0; i < claimed.size(); i++) {
          launch(pool, claimed.get(i), now, i < held);
          startedNow++;
        }
      }
      readyMayRemain = mayRemain;
    }
    return new DispatchResult(promoted.size(), startedNow, more);
  }

  /**
   * Whether the dispatcher's last claim may have left ready jobs behind (a claim came back full,
   * or a queue was not looked at); an ack batch wakes the dispatcher only then.
   */
  private volatile boolean readyMayRemain = true;

  /** Makes the dispatcher look for due jobs no later than {@code at}. */
  private void promoteBy(Instant at) {
    nextPromotion.accumulateAndGet(at, (a, b) -> a.isBefore(b) ? a : b);
  }

  /** Hands a claimed job to the pool; {@code slotHeld} when its slot was reserved before the claim. */
  private void launch(WorkerPool pool, ClaimedJob c, Instant now, boolean slotHeld) {
    RunningJob r = new RunningJob(c.job(), c.lease(), runSequence.incrementAndGet());
    running.put(c.job().id(), r);
    launchRun(pool, r, slotHeld);
  }

  private void launchRun(WorkerPool pool, RunningJob r, boolean slotHeld) {
    publishChange(r.job, JobStatus.QUEUED, "system", "attempt " + r.job.attempts());
    if (!slotHeld && !pool.takeSlot()) {
      running.remove(r.job.id(), r);
      finish(r, new Outcome.Released("no free worker"));
      return;
    }
    try {
      pool.execute(new WorkerPool.Task(r, () -> work(pool, r)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pool.releaseSlot();
      running.remove(r.job.id(), r);
      finish(r, new Outcome.Released("engine shutting down"));
    }
  }

  private void work(WorkerPool pool, RunningJob r) {
    Job job = r.job;
    pool.started();
    MDC.put("docket.job", job.id().value());
    job.correlationId().ifPresent(c -> MDC.put("docket.correlation", c));
    MDC.put("docket.node", settings.nodeId().value());
    try {
      Outcome outcome;
      try {
        Instant begin = settings.clock().instant();
        r.bind(Thread.currentThread(), begin);
        recorder.recordWait(begin, job.queue(), job.function(), Duration.between(job.scheduledAt(), begin));
        if (r.deadline() != null) {
          watchdogWakeup.signal();
        }
        if (r.isCancelRequested()) {
          outcome = new Outcome.Cancelled("cancelled before the handler started");
        } else {
          // the handler's run time on the monotonic clock: the engine's clock may be fixed or jump
          LongSupplier timer = runTimer;
          long t0 = timer.getAsLong();
          outcome = runHandler(r);
          pool.recordRun(timer.getAsLong() - t0);
        }
      } catch (Throwable t) {
        // the one place that records a failure nobody else caught (a throwing retry policy, an
        // Error, an arithmetic overflow): the attempt must end, never stay RUNNING
        log.error("job {}: attempt ended by an unexpected {}", job.id(), t.toString(), t);
        outcome = new Outcome.Failed(JobError.of(t.getClass().getName(), String.valueOf(t.getMessage())));
        finish(r, outcome);
        if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
          throw vme;
        }
        return;
      }
      finish(r, outcome);
    } finally {
      r.handlerReturned();
      Thread.interrupted();
      pool.ended();
      pool.releaseSlot();
      MDC.remove("docket.job");
      MDC.remove("docket.correlation");
      if (readyMayRemain) { // a free slot is worth a claim only if the last one may have left jobs
        dispatchWakeup.signal();
      }
    }
  }

  private Outcome runHandler(RunningJob r) {
    Job job = r.job;
    JobHandler handler = settings.handlers().get(job.function());
    if (handler == null && isFire(job)) {
      handler = actionHandler; // fails the fire visibly when the action is not registered here
    }
    if (handler == null) {
      log.warn("job {}: no handler for function '{}' on this node", job.id(), job.function());
      return new Outcome.Failed(
          JobError.of(
              JobError.UNKNOWN_FUNCTION,
              "no handler for '" + job.function() + "' on node " + settings.nodeId()));
    }
    log.debug("job {}: attempt {} of {} starts", job.id(), job.attempts(), job.maxAttempts());
    try {
      @Nullable Object value = handler.handle(new WorkerContext(r, this));
      r.handlerReturned();
      if (r.isCancelRequested()) {
        return new Outcome.Cancelled("handler returned after a cancel request");
      }
      JsonNode result;
      try {
        result = Json.toTree(value);
      } catch (IllegalArgumentException e) {
        return afterFailure(r, JobError.of(e));
      }
      log.debug("job {}: succeeded", job.id());
      return new Outcome.Succeeded(result);
    } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
      r.handlerReturned();
      if (r.isCancelRequested() || e instanceof JobCancelledException) {
        log.info("job {}: cancelled", job.id());
        return new Outcome.Cancelled("handler stopped after a cancel request");
      }
      if (r.isTimedOut()) {
        return afterFailure(r, timeoutError(job));
      }
      if (shuttingDown) {
        return new Outcome.Released("engine " + settings.nodeId() + " shut down");
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.info("job {}: attempt {} failed: {}", job.id(), job.attempts(), e.toString());
      return afterFailure(r, JobError.of(e));
    }
  }

  private static boolean isFireId(JobId id) {
    try {
      ActionJobHandler.taskIdOf(id);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether the job is a scheduled task's fire (its id is the task's fire id). */
  private static boolean isFire(Job job) {
    if (job.correlationId().isEmpty()) {
      return false;
    }
    try {
      return ActionJobHandler.taskIdOf(job.id()).value().equals(job.correlationId().get());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static JobError timeoutError(Job job) {
    return JobError.of(
        JobError.TIMEOUT,
        "attempt " + job.attempts() + " ran longer than its timeout of " + job.timeout().orElseThrow());
  }

  private Outcome afterFailure(RunningJob r, JobError error) {
    Job job = r.job;
    if (job.hasAttemptsLeft() && !(isFire(job) && ActionJobHandler.isPermanent(error))) {
      Optional<Duration> delay = settings.retryPolicy().nextDelay(job, error);
      if (delay.isPresent()) {
        Instant at = settings.clock().instant().plus(delay.get());
        return new Outcome.RetryLater(error, at);
      }
    }
    return new Outcome.Failed(error);
  }

  /**
   * An ended attempt on its way to the store; {@code counted} when it took room of {@link
   * #ackRoom}.
   */
  private record PendingAck(RunningJob run, Outcome outcome, Instant at, boolean counted) {
    PendingAck(RunningJob run, Outcome outcome, Instant at) {
      this(run, outcome, at, false);
    }
  }

  /**
   * Ends an attempt once, whoever gets here first (worker, watchdog, shutdown): hands the outcome
   * to the acker, which stores outcomes in batches ("batched acks"). Until it is stored, the job
   * stays in {@code running} and under this node's lease, so the lease token keeps the late write
   * safe and a crash in between only means the job runs again.
   *
   * <p>Workers block while {@link #ACK_QUEUE} outcomes wait, which bounds the attempts that ended
   * but are not stored (and would run again after a crash). A held fire's job is outside that
   * bound: it was stored claimed at its fire, so it would run again after a crash from the moment
   * it was held, started or not, and its outcome waiting takes the place of its hold. A minute's
   * fires therefore start as fast as the workers run them, and their outcomes follow at the
   * store's pace.
   */
  private void finish(RunningJob r, Outcome outcome) {
    if (!r.finalized.compareAndSet(false, true)) {
      return;
    }
    if (r.isLeaseLost()) {
      log.warn("job {}: lease was taken over; outcome {} dropped", r.job.id(), outcome.status());
      running.remove(r.job.id(), r);
      return;
    }
    Instant at = settings.clock().instant();
    if (ackers.isEmpty() || ackerStopping && ackers.contains(Thread.currentThread())) {
      storeAcks(List.of(new PendingAck(r, outcome, at)));
      return;
    }
    if (r.heldSince != null) {
      acks.add(new PendingAck(r, outcome, at));
      if (acks.size() >= ACK_QUEUE) {
        ackBacklog.signal();
      }
      return;
    }
    try {
      if (!ackRoom.tryAcquire()) {
        ackBacklog.signal(); // full: a helper writer, where the store has one, stores a batch too
        ackRoom.acquire();
      }
      acks.add(new PendingAck(r, outcome, at, true));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      storeAcks(List.of(new PendingAck(r, outcome, at)));
    }
  }

  /** Takes up to {@code max} outcomes off the queue into {@code batch}, giving their room back. */
  private void takeAcks(List<PendingAck> batch, int max) {
    int from = batch.size();
    acks.drainTo(batch, max);
    int counted = 0;
    for (int i = from; i < batch.size(); i++) {
      counted += batch.get(i).counted() ? 1 : 0;
    }
    ackRoom.release(counted);
  }

  private void ackLoop() {
    MDC.put("docket.node", settings.nodeId().value());
    List<PendingAck> batch = new ArrayList<>();
    while (true) {
      try {
        PendingAck first = acks.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) {
          if (ackerStopping) {
            return;
          }
          continue;
        }
        batch.add(first);
        if (first.counted()) {
          ackRoom.release();
        }
        takeAcks(batch, ACK_BATCH - 1);
        storeBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stores a batch and empties it; what the store's retries could not store is left to lease expiry. */
  private void storeBatch(List<PendingAck> batch) {
    try {
      storeAcks(batch);
    } catch (RuntimeException e) {
      log.error("acker failed; {} outcome(s) left to lease expiry", batch.size(), e);
    } finally {
      batch.clear();
    }
  }

  /**
   * A writer beyond the first (Store#ackWriters): it stores batches only while the queue of
   * outcomes is full, that is while the workers end attempts faster than one writer keeps up.
   */
  private void ackHelperLoop() {
    MDC.put("docket.node", settings.nodeId().value());
    List<PendingAck> batch = new ArrayList<>();
    while (!ackerStopping) {
      try {
        if (!ackBacklog.awaitUpTo(Duration.ofMillis(100))) {
          continue;
        }
        // while at least half the queue is waiting: one writer is not keeping up
        while (acks.size() >= ACK_QUEUE / 2 && !ackerStopping) {
          takeAcks(batch, ACK_BATCH);
          if (batch.isEmpty()) {
            break;
          }
          storeBatch(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void stopAcker() throws InterruptedException {
    ackerStopping = true;
    for (Thread t : ackers) {
      t.join(Math.max(5_000, settings.shutdownGrace().toMillis()));
    }
    List<PendingAck> left = new ArrayList<>();
    takeAcks(left, Integer.MAX_VALUE);
    if (!left.isEmpty()) {
      storeAcks(left);
    }
  }

  /** Stores outcomes, retrying while the store is unreachable, then tells the listeners. */
  private void storeAcks(List<PendingAck> batch) {
    List<Completion> completions = new ArrayList<>(batch.size());
    for (PendingAck a : batch) {
      completions.add(new Completion(a.run().lease, a.outcome(), a.at()));
    }
    // the jobs as stored are read back only for listeners, and for a job given back (which a
    // pending cancel turns into CANCELLED); otherwise the outcome says the status
    boolean needJobs = !settings.listeners().isEmpty();
    for (PendingAck a : batch) {
      needJobs |= a.outcome() instanceof Outcome.Released;
    }
    Stored stored = completeDespiteOutages(completions, needJobs);
    boolean retries = false;
    boolean requeued = false;
    for (int i = 0; i < batch.size(); i++) {
      PendingAck a = batch.get(i);
      RunningJob r = a.run();
      running.remove(r.job.id(), r);
      if (stored.applied()[i]) {
        Job done = stored.jobs() == null ? null : stored.jobs().get(i).orElseThrow();
        JobStatus status = done == null ? a.outcome().status() : done.status();
        Instant handlerStart = r.handlerStartedAt();
        if (!(a.outcome() instanceof Outcome.Released) && handlerStart != null) {
          recorder.recordRun(a.at(), r.job.queue(), r.job.function(), Duration.between(handlerStart, a.at()));
        }
        if (status.isTerminal()) {
          recorder.recordFinished(r.job.queue(), r.job.function(), status.wireName());
        }
        if (done != null) {
          publishChange(done, JobStatus.RUNNING, "system", describe(a.outcome()));
        }
      } else {
        log.warn("job {}: lease no longer held; outcome {} dropped", r.job.id(), a.outcome().status());
      }
      if (a.outcome() instanceof Outcome.RetryLater retry) {
        promoteBy(retry.runAt());
        retries = true;
      }
      requeued |= a.outcome() instanceof Outcome.Released;
    }
    // finished jobs freed slots: worth a claim only if the last one may have left ready jobs (a
    // claim that got fewer than it asked for emptied its queue; new jobs bring their own wake-up)
    if (retries || requeued || (!batch.isEmpty() && readyMayRemain)) {
      dispatchWakeup.signal();
    }
  }

  /**
   * Stores outcomes, retrying while the store is unreachable: a finished job's result is not
   * thrown away because the database blinked. Gives up (the leases then expire and the jobs run
   * again: at-least-once) only when the engine closes and the store stays away.
   */
  private Stored completeDespiteOutages(List<Completion> completions, boolean needJobs) {
    int failures = 0;
    Wakeup pause = new Wakeup();
    while (true) {
      try {
        if (!needJobs) {
          return new Stored(store.jobs().completeAllApplied(completions), null);
        }
        List<Optional<Job>> jobs = store.jobs().completeAll(completions);
        boolean[] applied = new boolean[jobs.size()];
        for (int i = 0; i < applied.length; i++) {
          applied[i] = jobs.get(i).isPresent();
        }
        return new Stored(applied, jobs);
      } catch (dev.docket.spi.StoreException e) {
        failures++;
        if (failures == 1) {
          log.warn("cannot store {} outcome(s) yet, retrying: {}", completions.size(), e.toString());
        }
        boolean giveUp = closed.get() && failures >= 3;
        if (!giveUp) {
          try {
            pause.awaitUpTo(ERROR_PAUSE);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            giveUp = true;
          }
        }
        if (giveUp) {
          log.warn("giving up on storing {} outcome(s); their leases will expire", completions.size());
          return new Stored(new boolean[completions.size()], null);
        }
      }
    }
  }

  /** Which outcomes were stored, and the jobs as stored when they were asked for. */
  private record Stored(boolean[] applied, @Nullable List<Optional<Job>> jobs) {}

  private static String describe(Outcome o) {
    if (o instanceof Outcome.Failed f) {
      return f.error().type() + ": " + f.error().message();
    } else if (o instanceof Outcome.RetryLater r) {
      return r.error().type() + ": " + r.error().message() + "; retry at " + r.runAt();
    } else if (o instanceof Outcome.Cancelled c) {
      return c.detail();
    } else if (o instanceof Outcome.Released r) {
      return r.detail();
    }
    return "";
  }

  // ---------------------------------------------------------------- watchdog, heartbeat, reaper

  /**
   * Enforces timeouts and cancel grace periods by the engine's clock: interrupts handlers whose
   * time is up and, when they still do not stop within the grace period, ends their attempt.
   */
  public void watchdogOnce() {
    Instant now = settings.clock().instant();
    Duration grace = settings.cancelGrace();
    for (RunningJob r : running.values()) {
      Instant cancelAt = r.cancelRequestedAt();
      if (cancelAt != null && !now.isBefore(cancelAt.plus(grace))) {
        log.warn("job {}: handler ignored the cancel request for {}; interrupting", r.job.id(), grace);
        r.interrupt();
        finish(r, new Outcome.Cancelled("handler did not stop within " + grace + "; interrupted"));
      } else if (r.deadline() != null && !now.isBefore(r.deadline())) {
        if (!r.isTimedOut()) {
          log.warn("job {}: timeout {} passed; interrupting", r.job.id(), r.job.timeout().orElseThrow());
          r.markTimedOut();
          r.interrupt();
        } else if (!now.isBefore(r.deadline().plus(grace))) {
          finish(r, afterFailure(r, timeoutError(r.job)));
        }
      }
    }
  }

  /** Reports this node alive, extends its leases and picks up cancels requested elsewhere. */
  public void heartbeatOnce() {
    Instant now = settings.clock().instant();
    store.nodes().heartbeat(settings.nodeId(), now, busyWorkers(), totalWorkers());
    long before = runSequence.get();
    // a held fire's job is leased well past its fire time (the store stored it so): it is left
    // out until half a lease is left, so that the minute's heartbeat does not extend thousands
    // of leases that need no extension
    Duration half = settings.leaseDuration().dividedBy(2);
    java.util.Set<JobId> mine = new java.util.HashSet<>();
    for (RunningJob r : running.values()) {
      if (r.heldFor == null || Duration.between(now, r.lease.expiresAt()).compareTo(half) < 0) {
        mine.add(r.job.id());
      }
    }
    LeaseCheck check =
        mine.isEmpty()
            ? new LeaseCheck(java.util.Set.of(), java.util.Set.of())
            : store.jobs().extendLeases(settings.nodeId(), mine, now, settings.leaseDuration());
    for (RunningJob r : running.values()) {
      if (r.sequence > before || r.finalized.get() || !mine.contains(r.job.id())) {
        continue;
      }
      if (!check.held().contains(r.job.id())) {
        log.warn("job {}: lease lost (taken over by another node); stopping the handler", r.job.id());
        r.markLeaseLost();
        r.interrupt();
      } else if (check.cancelRequested().contains(r.job.id()) && r.requestCancel(now)) {
        log.info("job {}: cancel requested on another node", r.job.id());
        watchdogWakeup.signal();
      }
    }
  }

  /**
   * Purges one batch of jobs past the retention period, when one is configured; runs again at once
   * while batches come back full, else a minute later.
   */
  public int retentionOnce() {
    Duration retention = settings.retention();
    Instant now = settings.clock().instant();
    if (retention == null || now.isBefore(nextRetention)) {
      return 0;
    }
    int n = admin.retentionStep(retention);
    if (n > 0) {
      log.info("retention: purged {} job(s) finished more than {} ago", n, retention);
    }
    nextRetention = n >= dev.docket.QueueAdmin.PURGE_BATCH ? now : now.plus(Duration.ofMinutes(1));
    return n;
  }

  /** Takes back the jobs of nodes whose leases expired. */
  public int reapOnce() {
    List<Job> reclaimed = store.jobs().reclaimExpired(settings.clock().instant(), REAP_BATCH);
    for (Job j : reclaimed) {
      log.warn("job {}: lease expired; now {}", j.id(), j.status());
      publishChange(j, JobStatus.RUNNING, "system", "lease expired");
    }
    if (!reclaimed.isEmpty()) {
      dispatchWakeup.signal();
    }
    return reclaimed.size();
  }

  /** Wakes the dispatcher (after the clock moved, say). */
  public void wakeUp() {
    dispatchWakeup.signal();
    watchdogWakeup.signal();
    schedulerWakeup.signal();
  }

  /** Attempts this node holds: running, buffered, or ending (fires' jobs held for their time not counted). */
  public int runningCount() {
    return (int) running.values().stream().filter(r -> r.heldFor == null).count();
  }

  /** Fires' jobs this node holds for their fire time, not yet handed to a worker. */
  public int heldCount() {
    synchronized (heldFires) {
      return heldFires.size();
    }
  }

  /** Where handlers' run times come from (nanoseconds): the monotonic clock. */
  private volatile LongSupplier runTimer = System::nanoTime;

  /**
   * Measures handlers' run times (for the adaptive claim buffer) with {@code nanos} instead of the
   * monotonic clock: for tests that drive time with a manual clock.
   */
  public void useRunTimer(LongSupplier nanos) {
    this.runTimer = Objects.requireNonNull(nanos, "nanos");
  }

  /**
   * Whether something asked the dispatcher to look for work since the last call, and clears it
   * (for tests that drive the engine without its loops).
   */
  public boolean takeDispatchWakeup() {
    try {
      return dispatchWakeup.awaitUpTo(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Claimed jobs whose handler has not started yet (buffered, or just handed to a worker). */
  public int unstartedCount() {
    return (int) running.values().stream().filter(r -> !r.isStarted() && r.heldFor == null).count();
  }

  public int busyWorkers() {
    return pools.values().stream().mapToInt(WorkerPool::busy).sum();
  }

  public int totalWorkers() {
    return settings.workers().values().stream().mapToInt(Integer::intValue).sum();
  }

  public Instant createdAt() {
    return createdAt;
  }

  // ---------------------------------------------------------------- listeners

  private void publishChange(Job job, @Nullable JobStatus from, String by, String detail) {
    if (settings.listeners().isEmpty()) {
      return;
    }
    JobEvent e =
        new JobEvent(
            job.id(), settings.clock().instant(), Optional.ofNullable(from), job.status(), by, detail);
    publish(new DocketEvent.JobChanged(job, e));
  }

  void publish(DocketEvent event) {
    for (DocketListener l : settings.listeners()) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("listener {} failed on {}: {}", l, event.getClass().getSimpleName(), e.toString(), e);
      }
    }
  }
}
