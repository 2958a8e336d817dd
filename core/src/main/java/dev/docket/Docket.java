package dev.docket;

import dev.docket.internal.engine.Engine;
import dev.docket.internal.engine.EngineSettings;
import dev.docket.internal.engine.Engines;
import dev.docket.internal.engine.ScopedJobQueue;
import dev.docket.action.Action;
import dev.docket.action.AiTrigger;
import dev.docket.action.MessageSender;
import dev.docket.action.NotesQuery;
import dev.docket.action.RunQueryAction;
import dev.docket.action.SendMessageAction;
import dev.docket.action.TriggerAiAction;
import dev.docket.internal.action.Actions;
import dev.docket.internal.admin.AdminService;
import dev.docket.internal.admin.ScopedQueueAdmin;
import dev.docket.internal.hitl.ScopedHitlGate;
import dev.docket.internal.schedule.ScopedScheduler;
import dev.docket.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The Docket engine: a persistent job queue inside the host application.
 *
 * <pre>{@code
 * try (Docket docket = Docket.builder()
 *     .store(store)
 *     .workers("default", 4)
 *     .handler("send-email", ctx -> mailer.send(ctx.args(Email.class)))
 *     .build()) {
 *   docket.start();
 *   docket.jobs().submit(JobRequest.builder("send-email").args("{\"to\":\"a@b.c\"}").build());
 * }
 * }</pre>
 *
 * <p>{@link #build()} validates the configuration and starts nothing; {@link #start()} starts the
 * worker threads and background loops; {@link #close()} shuts down gracefully. {@link #jobs()} acts
 * with every right (trusted host code, as {@link Principal#SYSTEM}); {@link #as(Principal)} gives a
 * view scoped to one caller. Thread-safe.
 */
public final class Docket implements AutoCloseable {

  static {
    Engines.accessor(d -> d.engine);
  }

  private final Engine engine;
  private final ScopedDocket system;
  private final AtomicBoolean started = new AtomicBoolean();

  private Docket(Engine engine) {
    this.engine = engine;
    this.system = as(Principal.SYSTEM);
  }

  /** Starts configuring an engine. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the workers and background loops.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public Docket start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("Docket " + nodeId() + " was already started");
    }
    engine.start();
    return this;
  }

  /** The job queue, with every right. */
  public JobQueue jobs() {
    return system.jobs();
  }

  /** The approval gate, with every right (trusted host code may also decide its own requests). */
  public HitlGate hitl() {
    return system.hitl();
  }

  /** Queue administration and metrics, with every right. */
  public QueueAdmin admin() {
    return system.admin();
  }

  /** The scheduled tasks, with every right. */
  public Scheduler scheduler() {
    return system.scheduler();
  }

  /**
   * The actions scheduled tasks may run: the built-ins whose ports were given, those registered
   * on the builder and those discovered from plugin jars. More may be registered at run time.
   */
  public ActionRegistry actions() {
    return engine.settings().actions();
  }

  /** The engine's APIs as {@code principal} sees them: its own objects only, unless admin. */
  public ScopedDocket as(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    if (principal.id().equals(Principal.SYSTEM.id()) && principal != Principal.SYSTEM) {
      throw new InvalidRequestException(
          "principal.id", "'system' is reserved for the engine and trusted host code (Docket.jobs(), hitl(), …)");
    }
    ScopedJobQueue queue = new ScopedJobQueue(engine, principal);
    ScopedHitlGate gate = new ScopedHitlGate(engine.approvals(), principal);
    ScopedScheduler tasks = new ScopedScheduler(engine.schedules(), principal, engine::schedulesChanged);
    ScopedQueueAdmin admin = new ScopedQueueAdmin(engine.admin(), principal);
    return new ScopedDocket() {
      @Override
      public QueueAdmin admin() {
        return admin;
      }

      @Override
      public Scheduler scheduler() {
        return tasks;
      }

      @Override
      public HitlGate hitl() {
        return gate;
      }

      @Override
      public Principal principal() {
        return principal;
      }

      @Override
      public JobQueue jobs() {
        return queue;
      }
    };
  }

  /** This engine's node id. */
  public NodeId nodeId() {
    return engine.settings().nodeId();
  }

  /**
   * Shuts down gracefully: stops claiming, lets running jobs finish within the shutdown grace
   * period, interrupts the rest and gives their jobs back to the queue, then closes the store.
   * Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Configures a {@link Docket}. Not thread-safe. Every option has a default except the store;
   * {@link #build()} checks them all.
   */
  public static final class Builder {

    /** Workers of the {@code default} queue when no {@code workers(…)} is given. */
    public static final int DEFAULT_WORKERS = 4;
    /** Attempts per job unless a request says otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** How long {@code close()} lets running jobs finish. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /** How long a running job may ignore a cancel before it is interrupted. */
    public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);
    /** How long a lease lasts without a heartbeat; a dead node's jobs return after this. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
    /** How often a node extends its leases and reports alive. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    /** Longest wait between two looks for due work when nothing signals it. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);
    /** The window of {@code admin().metrics()} unless one is given. */
    public static final Duration DEFAULT_METRICS_WINDOW = Duration.ofMinutes(5);
    /** Largest args of one job, in bytes of JSON. */
    public static final int DEFAULT_MAX_ARGS_BYTES = 256 * 1024;

    private @Nullable Store store;
    private Clock clock = Clock.systemUTC();
    private @Nullable NodeId nodeId;
    private final Map<String, Integer> workers = new LinkedHashMap<>();
    private boolean producerOnly;
    private boolean acceptUnknownFunctions;
    private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
    private final List<DocketListener> listeners = new ArrayList<>();
    private @Nullable RetryPolicy retryPolicy;
    private Backoff backoff = Backoff.DEFAULT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private Duration cancelGrace = DEFAULT_CANCEL_GRACE;
    private Duration lease = DEFAULT_LEASE;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration poll = DEFAULT_POLL;
    private int maxArgsBytes = DEFAULT_MAX_ARGS_BYTES;
    private int prefetch = -1;
    private SelfApproval selfApproval = SelfApproval.FORBIDDEN;
    private final List<Action> actions = new ArrayList<>();
    private @Nullable ClassLoader discoverFrom;
    private @Nullable MessageSender messageSender;
    private @Nullable AiTrigger aiTrigger;
    private @Nullable NotesQuery notesQuery;
    private String scheduleQueue = JobRequest.DEFAULT_QUEUE;
    private Duration metricsWindow = DEFAULT_METRICS_WINDOW;
    private @Nullable Duration retention;

    private Builder() {}

    /** Where jobs are kept (required). The engine owns it and closes it on {@code close()}. */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The clock for due times, backoff, timeouts and leases; the UTC system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** This node's id, unique among nodes sharing a store; random by default. */
    public Builder nodeId(String nodeId) {
      this.nodeId = NodeId.of(nodeId);
      return this;
    }

    /**
     * Runs {@code count} workers for {@code queue}. Without any call, the {@code default} queue
     * gets {@value #DEFAULT_WORKERS}.
     */
    public Builder workers(String queue, int count) {
      Checks.queue("queue", queue);
      if (count < 1 || count > 1_000) {
        throw new InvalidRequestException("workers", "must be within 1..1000, was " + count);
      }
      workers.put(queue, count);
      return this;
    }

    /**
     * Makes this a producer-only engine: it submits and reads jobs but runs none (no workers), and
     * accepts functions it has no handler for, since other nodes run them.
     */
    public Builder producerOnly() {
      this.producerOnly = true;
      this.acceptUnknownFunctions = true;
      return this;
    }

    /**
     * Accepts submits of functions this engine has no handler for (other nodes run them). By
     * default such a submit is rejected, naming {@code function}.
     */
    public Builder acceptUnknownFunctions() {
      this.acceptUnknownFunctions = true;
      return this;
    }

    /** Registers the handler of {@code function}. */
    public Builder handler(String function, JobHandler handler) {
      Checks.function("function", function);
      Objects.requireNonNull(handler, "handler");
      if (handlers.putIfAbsent(function, handler) != null) {
        throw new InvalidRequestException("function", "'" + function + "' has a handler already");
      }
      return this;
    }

    /** Adds a listener for every change this engine makes. */
    public Builder listener(DocketListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Decides retries; by default {@link RetryPolicy#backoff(Backoff)} with {@link #backoff}. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The default policy's delays; {@link Backoff#DEFAULT} unless set. */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Attempts per job unless its request says otherwise; {@value #DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > JobRequest.MAX_ATTEMPTS_LIMIT) {
        throw new InvalidRequestException(
            "maxAttempts", "must be within 1.." + JobRequest.MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** How long {@code close()} lets running jobs finish before interrupting them; 30 s. */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = nonNegative("shutdownGrace", grace);
      return this;
    }

    /** How long a running job may ignore a cancel before it is interrupted; 10 s. */
    public Builder cancelGrace(Duration grace) {
      this.cancelGrace = nonNegative("cancelGrace", grace);
      return this;
    }

    /** How long a claim's lease lasts without a heartbeat; 10 s. */
    public Builder leaseDuration(Duration lease) {
      this.lease = positive("leaseDuration", lease);
      return this;
    }

    /** How often leases are extended; 2 s, and at most half the lease. */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeat = positive("heartbeatInterval", interval);
      return this;
    }

    /** Longest wait between two looks for due work when nothing signals it; 1 s. */
    public Builder pollInterval(Duration interval) {
      this.poll = positive("pollInterval", interval);
      return this;
    }

    /**
     * How many claimed jobs each queue buffers beyond its busy workers, so that a finishing worker
     * starts its next job without waiting for a claim. Set, the buffer holds that many. By default
     * it adapts: about 50 ms of the queue's work at its handlers' recent run times, at most the
     * store's {@link dev.docket.spi.Store#prefetchPerWorker() hint} times the queue's workers
     * (64 on PostgreSQL, 16 on H2, 4 in memory), and four per worker until a handler has
     * returned. So short jobs are claimed many at a time, and long ones are not held back from
     * other nodes' idle workers. 0 claims only for idle workers (strict priority order, lower
     * throughput). Buffered jobs count as running and are held under this node's lease.
     */
    public Builder prefetch(int jobsPerQueue) {
      if (jobsPerQueue < 0 || jobsPerQueue > 10_000) {
        throw new InvalidRequestException("prefetch", "must be within 0..10000, was " + jobsPerQueue);
      }
      this.prefetch = jobsPerQueue;
      return this;
    }

    /** Largest args of one job in bytes of JSON; 256 KiB. */
    public Builder maxArgsBytes(int bytes) {
      if (bytes < 2) {
        throw new InvalidRequestException("maxArgsBytes", "must be >= 2, was " + bytes);
      }
      this.maxArgsBytes = bytes;
      return this;
    }

    /**
     * Whether a requester may decide its own approval request (when its roles allow deciding);
     * {@link SelfApproval#FORBIDDEN} by default. Trusted host code ({@link Docket#hitl()}) may
     * always.
     */
    public Builder selfApproval(SelfApproval policy) {
      this.selfApproval = Objects.requireNonNull(policy, "selfApproval");
      return this;
    }

    /** Registers a custom action that scheduled tasks may run. */
    public Builder action(Action action) {
      actions.add(Objects.requireNonNull(action, "action"));
      return this;
    }

    /**
     * Registers the actions of every {@link dev.docket.action.ActionProvider} that {@link
     * java.util.ServiceLoader} finds through {@code loader} (plugin jars on the class path). A
     * provider that fails is logged and skipped.
     */
    public Builder discoverActions(ClassLoader loader) {
      this.discoverFrom = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /**
     * Where {@code send_message} posts (and {@code run_query} its results): registers the built-in
     * {@code send_message} action, and with {@link #notesQuery} also {@code run_query}.
     */
    public Builder messageSender(MessageSender sender) {
      this.messageSender = Objects.requireNonNull(sender, "messageSender");
      return this;
    }

    /** What {@code trigger_ai} calls: registers the built-in {@code trigger_ai} action. */
    public Builder aiTrigger(AiTrigger trigger) {
      this.aiTrigger = Objects.requireNonNull(trigger, "aiTrigger");
      return this;
    }

    /** What {@code run_query} runs (it posts through the {@link #messageSender}). */
    public Builder notesQuery(NotesQuery query) {
      this.notesQuery = Objects.requireNonNull(query, "notesQuery");
      return this;
    }

    /** The default window of {@code admin().metrics()}: 1 s to 60 min; 5 min by default. */
    public Builder metricsWindow(Duration window) {
      this.metricsWindow = AdminService.checkWindow("metricsWindow", Objects.requireNonNull(window, "metricsWindow"));
      return this;
    }

    /**
     * Purges finished jobs (all terminal states, with their history) once they finished more than
     * {@code olderThan} ago, in batches, from the reaper loop; off by default.
     */
    public Builder retention(Duration olderThan) {
      this.retention = positive("retention", olderThan);
      return this;
    }

    /** The queue scheduled tasks' fires go to; {@value JobRequest#DEFAULT_QUEUE} by default. */
    public Builder scheduleQueue(String queue) {
      this.scheduleQueue = Checks.queue("scheduleQueue", queue);
      return this;
    }

    private static Duration positive(String field, Duration d) {
      Objects.requireNonNull(d, field);
      if (d.isNegative() || d.isZero()) {
        throw new InvalidRequestException(field, "must be > 0, was " + d);
      }
      return d;
    }

    private static Duration nonNegative(String field, Duration d) {
      Objects.requireNonNull(d, field);
      if (d.isNegative()) {
        throw new InvalidRequestException(field, "must not be negative, was " + d);
      }
      return d;
    }

    /**
     * Validates the configuration and builds the engine; starts nothing.
     *
     * @throws IllegalStateException when no store was given or options contradict each other
     */
    public Docket build() {
      if (store == null) {
        throw new IllegalStateException(
            "store is required: give a JdbcStore (durable) or an InMemoryStore (tests)");
      }
      if (heartbeat.multipliedBy(2).compareTo(lease) > 0) {
        throw new InvalidRequestException(
            "heartbeatInterval",
            "must be at most half the lease (" + lease + ") so that a live node keeps its jobs, was "
                + heartbeat);
      }
      Map<String, Integer> w = new LinkedHashMap<>(workers);
      if (producerOnly) {
        if (!w.isEmpty()) {
          throw new IllegalStateException("a producer-only engine has no workers; remove workers(…)");
        }
      } else if (w.isEmpty()) {
        w.put(JobRequest.DEFAULT_QUEUE, DEFAULT_WORKERS);
      }
      Actions registry = new Actions();
      if (messageSender != null) {
        registry.register(SendMessageAction.of(messageSender));
      }
      if (aiTrigger != null) {
        registry.register(TriggerAiAction.of(aiTrigger));
      }
      if (notesQuery != null) {
        if (messageSender == null) {
          throw new IllegalStateException("run_query posts its results: give messageSender(…) with notesQuery(…)");
        }
        registry.register(RunQueryAction.of(notesQuery, messageSender));
      }
      for (Action a : actions) {
        registry.register(a);
      }
      if (discoverFrom != null) {
        registry.loadProviders(discoverFrom);
      }
      EngineSettings settings =
          new EngineSettings(
              nodeId == null ? NodeId.random() : nodeId,
              clock,
              w,
              prefetch,
              handlers,
              listeners,
              retryPolicy == null ? RetryPolicy.backoff(backoff) : retryPolicy,
              maxAttempts,
              shutdownGrace,
              cancelGrace,
              lease,
              heartbeat,
              poll,
              maxArgsBytes,
              !acceptUnknownFunctions,
              selfApproval,
              registry,
              scheduleQueue,
              metricsWindow,
              retention);
      return new Docket(new Engine(settings, store));
    }
  }
}
