package dev.docket.testkit;

import static org.awaitility.Awaitility.await;

import dev.docket.Docket;
import dev.docket.HitlGate;
import dev.docket.JobQueue;
import dev.docket.Scheduler;
import dev.docket.Principal;
import dev.docket.ScopedDocket;
import dev.docket.internal.engine.Engine;
import dev.docket.internal.engine.Engines;
import java.time.Duration;

/**
 * Drives an engine step by step: no background loops run, the test decides when due work is
 * dispatched, when timeouts are checked, when heartbeats and the reaper run, and (with a {@link
 * MutableClock}) what time it is. Handlers still run on the engine's worker threads.
 */
public final class ManualDocket implements AutoCloseable {

  private final Docket docket;
  private final Engine engine;
  private final MutableClock clock;

  private ManualDocket(Docket docket, MutableClock clock) {
    this.docket = docket;
    this.engine = Engines.of(docket);
    this.clock = clock;
    // handlers' run times on the manual clock too: a handler that advances it has run that long
    engine.useRunTimer(
        () -> {
          java.time.Instant now = clock.instant();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
    engine.startWorkers();
  }

  /** Builds the engine from a builder that was given {@code clock}, and starts only its workers. */
  public static ManualDocket of(Docket.Builder builder, MutableClock clock) {
    return new ManualDocket(builder.clock(clock).build(), clock);
  }

  public Docket docket() {
    return docket;
  }

  public JobQueue jobs() {
    return docket.jobs();
  }

  public HitlGate hitl() {
    return docket.hitl();
  }

  public ScopedDocket as(Principal p) {
    return docket.as(p);
  }

  public MutableClock clock() {
    return clock;
  }

  public ManualDocket advance(Duration d) {
    clock.advance(d);
    return this;
  }

  /**
   * Promotes due jobs and claims as many as there are free workers (plus the prefetch), and waits
   * until the workers have picked them up; returns how many were claimed.
   */
  public int runDue() {
    int claimed = engine.dispatchOnce().started();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> engine.unstartedCount() == 0 || engine.busyWorkers() >= engine.totalWorkers());
    return claimed;
  }

  /** {@link #runDue()}, then waits until no handler of this engine runs. */
  public int runDueAndWait() {
    int started = runDue();
    awaitIdle();
    return started;
  }

  /** Waits (up to 10 s) until no handler of this engine runs. */
  public void awaitIdle() {
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.runningCount() == 0);
  }

  /** Enforces timeouts and cancel grace periods at the clock's current time. */
  public void checkTimeouts() {
    engine.watchdogOnce();
  }

  /** Extends this node's leases and picks up cancels requested elsewhere. */
  public void heartbeat() {
    engine.heartbeatOnce();
  }

  /** Takes back jobs whose leases expired; returns how many. */
  public int reapExpired() {
    return engine.reapOnce();
  }

  /** Expires the approval requests whose time ran out; returns how many. */
  public int expireApprovals() {
    return engine.approvals().expireOnce();
  }

  /** Fires the scheduled tasks that are due at the clock's current time; returns how many fired. */
  public int fireSchedules() {
    return engine.schedules().fireOnce();
  }

  public Scheduler scheduler() {
    return docket.scheduler();
  }

  /** Purges one retention batch, when the engine has a retention period; returns how many. */
  public int purgeRetained() {
    return engine.retentionOnce();
  }

  public dev.docket.QueueAdmin admin() {
    return docket.admin();
  }

  public int running() {
    return engine.runningCount();
  }

  /** Whether the engine asked its dispatcher to look for work since the last call; clears it. */
  public boolean takeDispatchWakeup() {
    return engine.takeDispatchWakeup();
  }

  @Override
  public void close() {
    docket.close();
  }
}
