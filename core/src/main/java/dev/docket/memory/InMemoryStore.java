package dev.docket.memory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.ApprovalConflictException;
import dev.docket.ApprovalId;
import dev.docket.ApprovalRequest;
import dev.docket.ApprovalStatus;
import dev.docket.Decision;
import dev.docket.IllegalJobStateException;
import dev.docket.Backoff;
import dev.docket.Cursor;
import dev.docket.Job;
import dev.docket.JobError;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobIdConflictException;
import dev.docket.JobStatus;
import dev.docket.NodeId;
import dev.docket.Page;
import dev.docket.QueueDepth;
import dev.docket.ScheduledTask;
import dev.docket.TaskId;
import dev.docket.spi.AdminStore;
import dev.docket.spi.ApprovalStore;
import dev.docket.spi.FinishedCount;
import dev.docket.spi.FirePlan;
import dev.docket.spi.Fired;
import dev.docket.spi.NewTask;
import dev.docket.spi.ScheduleStore;
import dev.docket.spi.ScheduleStore.FireResult;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.Decided;
import dev.docket.spi.PendingQuery;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.DepthCounter;
import dev.docket.spi.InsertResult;
import dev.docket.spi.JobStore;
import dev.docket.spi.Lease;
import dev.docket.spi.LeaseCheck;
import dev.docket.spi.NewJob;
import dev.docket.spi.NodeInfo;
import dev.docket.spi.NodeStore;
import dev.docket.spi.Outcome;
import dev.docket.spi.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Store} that keeps everything in memory. For tests and ephemeral use: nothing survives
 * the JVM. Thread-safe; every operation is atomic (one lock), so it behaves like a serialisable
 * database.
 *
 * <p>{@link #peer()} gives a second store instance over the same data, as a second node would see
 * one database: it lets tests run several engines on one in-memory store.
 */
public final class InMemoryStore implements Store {

  private final State state;
  private final MemoryJobStore jobs;
  private final MemoryNodeStore nodes;
  private final MemoryApprovalStore approvals;
  private final MemoryScheduleStore schedules;
  private final MemoryAdminStore admin;

  /** An empty store. */
  public InMemoryStore() {
    this(new State());
  }

  private InMemoryStore(State state) {
    this.state = state;
    this.jobs = new MemoryJobStore(state);
    this.nodes = new MemoryNodeStore(state);
    this.approvals = new MemoryApprovalStore(state, jobs);
    this.schedules = new MemoryScheduleStore(state, jobs);
    this.admin = new MemoryAdminStore(state);
  }

  /** Another store instance over the same data (a second node on the same database). */
  public InMemoryStore peer() {
    return new InMemoryStore(state);
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public ApprovalStore approvals() {
    return approvals;
  }

  @Override
  public AdminStore admin() {
    return admin;
  }

  @Override
  public ScheduleStore schedules() {
    return schedules;
  }

  @Override
  public NodeStore nodes() {
    return nodes;
  }

  /** Does nothing: the data stays for peers and until it is garbage. */
  @Override
  public void close() {}

  /** The shared data, guarded by one lock. */
  private static final class State {
    final ReentrantLock lock = new ReentrantLock();
    final Map<JobId, Row> rows = new HashMap<>();
    final Map<JobId, List<JobEvent>> events = new HashMap<>();
    /** Ready ({@code QUEUED}) rows per queue, in claim order. */
    final Map<String, NavigableSet<Row>> ready = new HashMap<>();
    /** {@code SCHEDULED} rows by due time. */
    final NavigableSet<Row> scheduled = new TreeSet<>(BY_DUE);
    /** Every row, newest first, for lists. */
    final NavigableSet<Row> newestFirst = new TreeSet<>(NEWEST_FIRST);
    final Map<NodeId, NodeInfo> nodes = new TreeMap<>(Comparator.comparing(NodeId::value));
    final Map<ApprovalId, ApprovalRow> approvals = new HashMap<>();
    final Map<JobId, ApprovalRow> approvalOfJob = new HashMap<>();
    /** Pending requests, oldest first. */
    final NavigableSet<ApprovalRow> pending = new TreeSet<>(OLDEST_FIRST);
    final Map<TaskId, TaskRow> tasks = new HashMap<>();
    final Set<String> paused = new TreeSet<>();
    long sequence;

    <T> T locked(Supplier<T> action) {
      lock.lock();
      try {
        return action.get();
      } finally {
        lock.unlock();
      }
    }
  }

  private static final Comparator<Row> CLAIM_ORDER =
      Comparator.comparingInt((Row r) -> -r.priority)
          .thenComparing(r -> r.scheduledAt)
          .thenComparingLong(r -> r.seq);
  private static final Comparator<Row> BY_DUE =
      Comparator.comparing((Row r) -> r.scheduledAt).thenComparingLong(r -> r.seq);
  private static final Comparator<Row> NEWEST_FIRST =
      Comparator.comparing((Row r) -> r.createdAt)
          .thenComparing(r -> r.id.value())
          .reversed();

  private static final Comparator<ApprovalRow> OLDEST_FIRST =
      Comparator.comparing((ApprovalRow a) -> a.createdAt).thenComparing(a -> a.id.value());

  /** The mutable record behind an approval request; only touched under the lock. */
  private static final class ApprovalRow {
    final ApprovalId id;
    final Row job;
    final String reason;
    final Set<String> approvers;
    final Instant createdAt;
    final Optional<Instant> expiresAt;
    ApprovalStatus status = ApprovalStatus.PENDING;
    @Nullable Decision decision;

    ApprovalRow(ApprovalId id, Row job, String reason, Set<String> approvers, Optional<Instant> expiresAt) {
      this.id = id;
      this.job = job;
      this.reason = reason;
      this.approvers = Set.copyOf(approvers);
      this.createdAt = job.createdAt;
      this.expiresAt = expiresAt;
    }

    ApprovalRequest snapshot() {
      return new ApprovalRequest(
          id,
          job.id,
          job.function,
          job.args.deepCopy(),
          reason,
          job.owner,
          approvers,
          createdAt,
          expiresAt,
          status,
          Optional.ofNullable(decision));
    }
  }

  /** The mutable record behind a scheduled task; only touched under the lock. */
  private static final class TaskRow {
    ScheduledTask task;

    TaskRow(ScheduledTask task) {
      this.task = task;
    }
  }

  /** The mutable record behind a job; only touched under the lock. */
  private static final class Row {
    final JobId id;
    final long seq;
    final String function;
    final String queue;
    final int priority;
    final JsonNode args;
    final Optional<String> correlationId;
    final String owner;
    final Optional<Duration> timeout;
    final Optional<Backoff> backoff;
    final Instant createdAt;
    JobStatus status;
    int maxAttempts;
    int attempts;
    @Nullable JsonNode result;
    @Nullable JobError error;
    boolean cancelRequested;
    Instant scheduledAt;
    @Nullable Instant startedAt;
    @Nullable Instant finishedAt;
    @Nullable NodeId node;
    @Nullable String leaseToken;
    @Nullable Instant leaseExpiresAt;

    Row(NewJob j, long seq) {
      this.id = j.id();
      this.seq = seq;
      this.function = j.function();
      this.queue = j.queue();
      this.priority = j.priority();
      this.args = j.args().deepCopy();
      this.correlationId = j.correlationId();
      this.owner = j.owner();
      this.timeout = j.timeout();
      this.backoff = j.backoff();
      this.createdAt = j.createdAt();
      this.status = j.status();
      this.maxAttempts = j.maxAttempts();
      this.scheduledAt = j.scheduledAt();
    }

    Job snapshot() {
      return new Job(
          id,
          function,
          queue,
          status,
          priority,
          args.deepCopy(),
          Optional.ofNullable(result).map(JsonNode::deepCopy),
          Optional.ofNullable(error),
          attempts,
          maxAttempts,
          correlationId,
          owner,
          timeout,
          backoff,
          cancelRequested,
          createdAt,
          scheduledAt,
          Optional.ofNullable(startedAt),
          Optional.ofNullable(finishedAt),
          Optional.ofNullable(node));
    }
  }

  private static final class MemoryJobStore implements JobStore {
    private final State s;

    MemoryJobStore(State s) {
      this.s = s;
    }

    @Override
    public InsertResult insert(NewJob job, String by) {
      return insertAll(List.of(job), by).get(0);
    }

    @Override
    public List<InsertResult> insertAll(List<NewJob> jobs, String by) {
      return s.locked(
          () -> {
            Map<JobId, NewJob> batch = new HashMap<>();
            for (NewJob j : jobs) {
              Row existing = s.rows.get(j.id());
              String owner = existing != null ? existing.owner : batchOwner(batch, j);
              if (owner != null && !owner.equals(j.owner())) {
                throw new JobIdConflictException(j.id());
              }
              if (j.approval().isPresent() && s.approvals.containsKey(j.approval().get().id())) {
                throw new IllegalArgumentException("approval id " + j.approval().get().id() + " exists");
              }
              batch.putIfAbsent(j.id(), j);
            }
            List<InsertResult> results = new ArrayList<>(jobs.size());
            for (NewJob j : jobs) {
              Row existing = s.rows.get(j.id());
              if (existing != null) {
                results.add(new InsertResult(existing.snapshot(), false));
                continue;
              }
              Row row = new Row(j, s.sequence++);
              s.rows.put(row.id, row);
              s.newestFirst.add(row);
              index(row);
              j.approval()
                  .ifPresent(
                      a -> {
                        ApprovalRow ar = new ApprovalRow(a.id(), row, a.reason(), a.approvers(), a.expiresAt());
                        s.approvals.put(ar.id, ar);
                        s.approvalOfJob.put(row.id, ar);
                        s.pending.add(ar);
                      });
              event(row, j.createdAt(), null, by, "");
              results.add(new InsertResult(row.snapshot(), true));
            }
            return results;
          });
    }

    private static @Nullable String batchOwner(Map<JobId, NewJob> batch, NewJob j) {
      NewJob earlier = batch.get(j.id());
      return earlier == null ? null : earlier.owner();
    }

    @Override
    public Optional<Job> find(JobId id) {
      return s.locked(() -> Optional.ofNullable(s.rows.get(id)).map(Row::snapshot));
    }

    @Override
    public List<Job> promoteDue(Instant now, int limit) {
      return s.locked(
          () -> {
            List<Job> promoted = new ArrayList<>();
            while (promoted.size() < limit && !s.scheduled.isEmpty()) {
              Row r = s.scheduled.first();
              if (r.scheduledAt.isAfter(now)) {
                break;
              }
              move(r, JobStatus.QUEUED, now, "system", "due");
              promoted.add(r.snapshot());
            }
            return promoted;
          });
    }

    @Override
    public Optional<Instant> nextScheduledAt(Set<String> queues) {
      return s.locked(
          () -> {
            for (Row r : s.scheduled) {
              if (queues.contains(r.queue)) {
                return Optional.of(r.scheduledAt);
              }
            }
            return Optional.<Instant>empty();
          });
    }

    /** Inserts, then claims, under the store's one lock: one atomic step, like the JDBC store's transaction. */
    @Override
    public InsertedAndClaimed insertAllAndClaim(List<NewJob> jobs, String by, ClaimRequest request) {
      return s.locked(() -> new InsertedAndClaimed(insertAll(jobs, by), claim(request)));
    }

    @Override
    public List<ClaimedJob> claim(ClaimRequest request) {
      return s.locked(
          () -> {
            NavigableSet<Row> ready = s.ready.get(request.queue());
            List<ClaimedJob> claimed = new ArrayList<>();
            if (ready == null || s.paused.contains(request.queue())) {
              return claimed;
            }
            List<Row> picked = new ArrayList<>();
            for (Row r : ready) {
              if (picked.size() == request.limit()) {
                break;
              }
              if (!r.scheduledAt.isAfter(request.now())) {
                picked.add(r);
              }
            }
            for (Row r : picked) {
              claimed.add(claimRow(r, request, UUID.randomUUID().toString()));
            }
            return claimed;
          });
    }

    @Override
    public Optional<Job> complete(Lease lease, Outcome outcome, Instant now) {
      return s.locked(
          () -> {
            Row r = s.rows.get(lease.jobId());
            if (r == null
                || r.status != JobStatus.RUNNING
                || !lease.token().equals(r.leaseToken)) {
              return Optional.<Job>empty();
            }
            String detail;
            if (outcome instanceof Outcome.Succeeded ok) {
              r.result = ok.result().deepCopy();
              r.error = null;
              r.finishedAt = now;
              detail = "";
            } else if (outcome instanceof Outcome.Failed f) {
              r.error = f.error();
              r.finishedAt = now;
              detail = f.error().type() + ": " + f.error().message();
            } else if (outcome instanceof Outcome.RetryLater retry) {
              r.error = retry.error();
              r.scheduledAt = retry.runAt();
              detail =
                  retry.error().type() + ": " + retry.error().message() + "; retry at " + retry.runAt();
            } else if (outcome instanceof Outcome.Cancelled c) {
              r.finishedAt = now;
              detail = c.detail();
            } else {
              Outcome.Released released = (Outcome.Released) outcome;
              r.attempts = Math.max(0, r.attempts - 1);
              detail = released.detail();
            }
            // a job given back while a cancel is pending is cancelled, not queued again
            JobStatus to =
                outcome instanceof Outcome.Released && r.cancelRequested
                    ? JobStatus.CANCELLED
                    : outcome.status();
            if (to == JobStatus.CANCELLED) {
              r.finishedAt = now;
            }
            r.leaseToken = null;
            r.leaseExpiresAt = null;
            r.node = null;
            move(r, to, now, "system", detail);
            return Optional.of(r.snapshot());
          });
    }

    @Override
    public LeaseCheck extendLeases(NodeId node, Set<JobId> jobs, Instant now, Duration duration) {
      return s.locked(
          () -> {
            Set<JobId> held = new HashSet<>();
            Set<JobId> cancel = new HashSet<>();
            for (JobId id : jobs) {
              Row r = s.rows.get(id);
              if (r != null && r.status == JobStatus.RUNNING && node.equals(r.node)) {
                r.leaseExpiresAt = now.plus(duration);
                held.add(r.id);
                if (r.cancelRequested) {
                  cancel.add(r.id);
                }
              }
            }
            return new LeaseCheck(held, cancel);
          });
    }

    @Override
    public List<Job> reclaimExpired(Instant now, int limit) {
      return s.locked(
          () -> {
            List<Row> expired = new ArrayList<>();
            for (Row r : s.rows.values()) {
              if (r.status == JobStatus.RUNNING
                  && r.leaseExpiresAt != null
                  && r.leaseExpiresAt.isBefore(now)) {
                expired.add(r);
              }
            }
            expired.sort(Comparator.comparing((Row r) -> r.leaseExpiresAt));
            List<Job> out = new ArrayList<>();
            for (Row r : expired.subList(0, Math.min(limit, expired.size()))) {
              String detail = "lease of " + r.node + " expired";
              r.leaseToken = null;
              r.leaseExpiresAt = null;
              r.node = null;
              if (r.cancelRequested) {
                r.finishedAt = now;
                move(r, JobStatus.CANCELLED, now, "system", detail);
              } else if (r.attempts >= r.maxAttempts) {
                r.error = JobError.of(JobError.LEASE_EXPIRED, detail + " on the last attempt");
                r.finishedAt = now;
                move(r, JobStatus.FAILED, now, "system", detail);
              } else {
                r.scheduledAt = now;
                move(r, JobStatus.QUEUED, now, "system", detail);
              }
              out.add(r.snapshot());
            }
            return out;
          });
    }

    @Override
    public Optional<Job> requestCancel(JobId id, Instant now, String by) {
      return s.locked(
          () -> {
            Row r = s.rows.get(id);
            if (r == null) {
              return Optional.<Job>empty();
            }
            if (r.status == JobStatus.RUNNING) {
              if (!r.cancelRequested) {
                r.cancelRequested = true;
                event(r, now, JobStatus.RUNNING, by, "cancel requested");
              }
              return Optional.of(r.snapshot());
            }
            JobStatus.check(id, r.status, JobStatus.CANCELLED);
            r.finishedAt = now;
            if (r.status == JobStatus.AWAITING_APPROVAL) {
              closeApproval(s.approvalOfJob.get(id), new Decision(ApprovalStatus.CANCELLED, by, now, "job cancelled"));
            }
            move(r, JobStatus.CANCELLED, now, by, "");
            return Optional.of(r.snapshot());
          });
    }

    @Override
    public Optional<Job> retry(JobId id, Instant now, String by) {
      return s.locked(
          () -> {
            Row r = s.rows.get(id);
            if (r == null) {
              return Optional.<Job>empty();
            }
            if (r.status != JobStatus.FAILED && r.status != JobStatus.CANCELLED) {
              throw new IllegalJobStateException(id, r.status, JobStatus.QUEUED);
            }
            ApprovalRow approval = s.approvalOfJob.get(id);
            if (approval != null && approval.status != ApprovalStatus.APPROVED) {
              throw new IllegalJobStateException(
                  id, r.status, JobStatus.QUEUED, "it was never approved; submit it again for a new approval");
            }
            r.attempts = 0;
            r.error = null;
            r.result = null;
            r.cancelRequested = false;
            r.startedAt = null;
            r.finishedAt = null;
            r.scheduledAt = now;
            move(r, JobStatus.QUEUED, now, by, "retry");
            List<JobEvent> history = s.events.get(id);
            if (history != null && history.size() > MAX_HISTORY) {
              List<JobEvent> kept = new ArrayList<>(MAX_HISTORY);
              kept.add(history.get(0));
              kept.addAll(history.subList(history.size() - (MAX_HISTORY - 1), history.size()));
              s.events.put(id, kept);
            }
            return Optional.of(r.snapshot());
          });
    }

    @Override
    public Page<Job> list(JobFilter filter, Optional<Cursor> after, int limit) {
      return s.locked(
          () -> {
            Iterable<Row> candidates = s.newestFirst;
            if (after.isPresent()) {
              Row probe = probe(after.get());
              candidates = s.newestFirst.tailSet(probe, false);
            }
            List<Job> items = new ArrayList<>();
            boolean more = false;
            for (Row r : candidates) {
              Job j = r.snapshot();
              if (!filter.matches(j)) {
                continue;
              }
              if (items.size() == limit) {
                more = true;
                break;
              }
              items.add(j);
            }
            Optional<Cursor> next =
                more
                    ? Optional.of(
                        Cursor.after(
                            items.get(items.size() - 1).createdAt(),
                            items.get(items.size() - 1).id().value()))
                    : Optional.empty();
            return new Page<>(items, next);
          });
    }

    private static Row probe(Cursor c) {
      NewJob fake =
          new NewJob(
              JobId.of(c.id()),
              "probe",
              "probe",
              JobStatus.QUEUED,
              0,
              com.fasterxml.jackson.databind.node.NullNode.getInstance(),
              1,
              Optional.empty(),
              "probe",
              Optional.empty(),
              Optional.empty(),
              c.createdAt(),
              c.createdAt());
      return new Row(fake, -1);
    }

    @Override
    public List<QueueDepth> depth(Optional<String> owner, Instant now) {
      return s.locked(
          () -> {
            DepthCounter counter = new DepthCounter();
            for (Row r : s.rows.values()) {
              if (owner.isEmpty() || owner.get().equals(r.owner)) {
                counter.add(r.queue, r.status, 1, Optional.of(r.scheduledAt));
              }
            }
            return counter.result(now);
          });
    }

    @Override
    public List<JobEvent> events(JobId id) {
      return s.locked(() -> List.copyOf(s.events.getOrDefault(id, List.of())));
    }

    /** Claims a job just inserted by a fire for the holding node (see ScheduleStore#fireDueAndHold). */
    ClaimedJob holdInserted(JobId id, ClaimRequest hold, String token) {
      return claimRow(s.rows.get(id), hold, token);
    }

    /** One claimed row: the next attempt, started now, leased to the request's node. */
    private ClaimedJob claimRow(Row r, ClaimRequest request, String token) {
      r.attempts++;
      r.startedAt = request.now();
      r.node = request.node();
      r.leaseToken = token;
      r.leaseExpiresAt = request.now().plus(request.leaseDuration());
      move(r, JobStatus.RUNNING, request.now(), "system", "attempt " + r.attempts + " on " + request.node());
      return new ClaimedJob(r.snapshot(), new Lease(r.id, request.node(), token, r.leaseExpiresAt));
    }

    /** Changes state under the table's rule, keeps the indexes right and writes the event. */
    private void move(Row r, JobStatus to, Instant at, String by, String detail) {
      JobStatus from = r.status;
      JobStatus.check(r.id, from, to);
      unindex(r);
      r.status = to;
      index(r);
      event(r, at, from, by, detail);
    }

    private void closeApproval(@Nullable ApprovalRow a, Decision d) {
      if (a == null) {
        return;
      }
      s.pending.remove(a);
      a.status = d.status();
      a.decision = d;
    }

    private void index(Row r) {
      if (r.status == JobStatus.QUEUED) {
        s.ready.computeIfAbsent(r.queue, q -> new TreeSet<>(CLAIM_ORDER)).add(r);
      } else if (r.status == JobStatus.SCHEDULED) {
        s.scheduled.add(r);
      }
    }

    private void unindex(Row r) {
      if (r.status == JobStatus.QUEUED) {
        NavigableSet<Row> ready = s.ready.get(r.queue);
        if (ready != null) {
          ready.remove(r);
        }
      } else if (r.status == JobStatus.SCHEDULED) {
        s.scheduled.remove(r);
      }
    }

    private void event(Row r, Instant at, @Nullable JobStatus from, String by, String detail) {
      s.events
          .computeIfAbsent(r.id, k -> new ArrayList<>())
          .add(new JobEvent(r.id, at, Optional.ofNullable(from), r.status, by, detail));
    }
  }

  private static final class MemoryApprovalStore implements ApprovalStore {
    private final State s;
    private final MemoryJobStore jobs;

    MemoryApprovalStore(State s, MemoryJobStore jobs) {
      this.s = s;
      this.jobs = jobs;
    }

    @Override
    public Optional<ApprovalRequest> find(ApprovalId id) {
      return s.locked(() -> Optional.ofNullable(s.approvals.get(id)).map(ApprovalRow::snapshot));
    }

    @Override
    public List<ApprovalRequest> findByJobs(Collection<JobId> ids) {
      return s.locked(
          () -> {
            List<ApprovalRequest> out = new ArrayList<>();
            for (JobId id : new HashSet<>(ids)) {
              ApprovalRow a = s.approvalOfJob.get(id);
              if (a != null) {
                out.add(a.snapshot());
              }
            }
            return out;
          });
    }

    @Override
    public Page<ApprovalRequest> pending(PendingQuery q, Optional<Cursor> after, int limit) {
      return s.locked(
          () -> {
            Iterable<ApprovalRow> candidates = s.pending;
            if (after.isPresent()) {
              Instant at = after.get().createdAt();
              String id = after.get().id();
              candidates =
                  s.pending.stream()
                      .filter(a -> a.createdAt.isAfter(at) || a.createdAt.equals(at) && a.id.value().compareTo(id) > 0)
                      .toList();
            }
            List<ApprovalRequest> items = new ArrayList<>();
            boolean more = false;
            for (ApprovalRow a : candidates) {
              if (q.namedApprover().isPresent() && !a.approvers.contains(q.namedApprover().get())
                  || q.notRequestedBy().isPresent() && q.notRequestedBy().get().equals(a.job.owner)
                  || a.expiresAt.isPresent() && !a.expiresAt.get().isAfter(q.now())) {
                continue;
              }
              if (items.size() == limit) {
                more = true;
                break;
              }
              items.add(a.snapshot());
            }
            Optional<Cursor> next =
                more
                    ? Optional.of(Cursor.after(items.get(items.size() - 1).createdAt(), items.get(items.size() - 1).id().value()))
                    : Optional.empty();
            return new Page<>(items, next);
          });
    }

    @Override
    public Optional<Decided> decide(ApprovalId id, Decision d) {
      return s.locked(
          () -> {
            ApprovalRow a = s.approvals.get(id);
            if (a == null) {
              return Optional.<Decided>empty();
            }
            if (a.status != ApprovalStatus.PENDING) {
              throw new ApprovalConflictException(id, a.status);
            }
            if (a.expiresAt.isPresent() && !a.expiresAt.get().isAfter(d.at())) {
              throw new ApprovalConflictException(id, ApprovalStatus.EXPIRED);
            }
            return Optional.of(close(a, d));
          });
    }

    private Decided close(ApprovalRow a, Decision d) {
      Row r = a.job;
      jobs.closeApproval(a, d);
      JobStatus to;
      String detail;
      if (d.status() == ApprovalStatus.APPROVED) {
        to = r.scheduledAt.isAfter(d.at()) ? JobStatus.SCHEDULED : JobStatus.QUEUED;
        if (to == JobStatus.QUEUED) {
          r.scheduledAt = d.at();
        }
        detail = d.note().isEmpty() ? "approved" : "approved: " + d.note();
      } else if (d.status() == ApprovalStatus.REJECTED) {
        to = JobStatus.REJECTED;
        r.finishedAt = d.at();
        detail = "rejected: " + d.note();
      } else {
        to = JobStatus.EXPIRED;
        r.finishedAt = d.at();
        detail = "approval request expired";
      }
      jobs.move(r, to, d.at(), d.by(), detail);
      return new Decided(a.snapshot(), r.snapshot());
    }

    @Override
    public List<Decided> expireDue(Instant now, int limit) {
      return s.locked(
          () -> {
            List<ApprovalRow> due = new ArrayList<>();
            for (ApprovalRow a : s.pending) {
              if (a.expiresAt.isPresent() && !a.expiresAt.get().isAfter(now)) {
                due.add(a);
              }
            }
            due.sort(Comparator.comparing((ApprovalRow a) -> a.expiresAt.orElseThrow()));
            List<Decided> out = new ArrayList<>();
            for (ApprovalRow a : due.subList(0, Math.min(limit, due.size()))) {
              out.add(close(a, new Decision(ApprovalStatus.EXPIRED, "system", now, "expired")));
            }
            return out;
          });
    }
  }

  private static final class MemoryScheduleStore implements ScheduleStore {
    private final State s;
    private final MemoryJobStore jobs;

    MemoryScheduleStore(State s, MemoryJobStore jobs) {
      this.s = s;
      this.jobs = jobs;
    }

    /** The stored task with its last job's current status. */
    private ScheduledTask snapshot(ScheduledTask t) {
      Optional<JobStatus> last = t.lastJobId().map(s.rows::get).map(r -> r.status);
      return new ScheduledTask(
          t.id(), t.name(), t.schedule(), t.timezone(), t.action(), t.args().deepCopy(), t.enabled(),
          t.misfirePolicy(), t.owner(), t.createdAt(), t.updatedAt(), t.nextRunAt(), t.lastRunAt(),
          t.lastJobId(), last);
    }

    @Override
    public ScheduledTask insert(NewTask n) {
      return s.locked(
          () -> {
            if (s.tasks.containsKey(n.id())) {
              throw new IllegalArgumentException("task " + n.id() + " exists");
            }
            ScheduledTask t =
                new ScheduledTask(
                    n.id(), n.name(), n.schedule(), n.timezone(), n.action(), n.args().deepCopy(),
                    n.enabled(), n.misfirePolicy(), n.owner(), n.createdAt(), n.createdAt(),
                    n.nextRunAt(), Optional.empty(), Optional.empty(), Optional.empty());
            s.tasks.put(t.id(), new TaskRow(t));
            return snapshot(t);
          });
    }

    @Override
    public Optional<ScheduledTask> update(TaskId id, UnaryOperator<ScheduledTask> change) {
      return s.locked(
          () -> {
            TaskRow row = s.tasks.get(id);
            if (row == null) {
              return Optional.<ScheduledTask>empty();
            }
            ScheduledTask old = row.task;
            ScheduledTask c = change.apply(snapshot(old));
            row.task =
                new ScheduledTask(
                    old.id(), c.name(), c.schedule(), c.timezone(), c.action(), c.args().deepCopy(),
                    c.enabled(), c.misfirePolicy(), old.owner(), old.createdAt(), c.updatedAt(),
                    c.nextRunAt(), old.lastRunAt(), old.lastJobId(), Optional.empty());
            return Optional.of(snapshot(row.task));
          });
    }

    @Override
    public boolean delete(TaskId id) {
      return s.locked(() -> s.tasks.remove(id) != null);
    }

    @Override
    public Optional<ScheduledTask> find(TaskId id) {
      return s.locked(() -> Optional.ofNullable(s.tasks.get(id)).map(r -> snapshot(r.task)));
    }

    @Override
    public Page<ScheduledTask> list(Optional<String> owner, Optional<Cursor> after, int limit) {
      return s.locked(
          () -> {
            Comparator<ScheduledTask> newest =
                Comparator.comparing(ScheduledTask::createdAt).thenComparing(t -> t.id().value()).reversed();
            List<ScheduledTask> all =
                s.tasks.values().stream()
                    .map(r -> r.task)
                    .filter(t -> owner.isEmpty() || owner.get().equals(t.owner()))
                    .filter(
                        t ->
                            after.isEmpty()
                                || t.createdAt().isBefore(after.get().createdAt())
                                || t.createdAt().equals(after.get().createdAt())
                                    && t.id().value().compareTo(after.get().id()) < 0)
                    .sorted(newest)
                    .toList();
            List<ScheduledTask> items = all.stream().limit(limit).map(this::snapshot).toList();
            Optional<Cursor> next =
                all.size() > limit
                    ? Optional.of(Cursor.after(items.get(limit - 1).createdAt(), items.get(limit - 1).id().value()))
                    : Optional.empty();
            return new Page<>(items, next);
          });
    }

    @Override
    public List<Fired> fireDue(Instant now, int limit, Function<ScheduledTask, FirePlan> planner) {
      return fire(now, limit, planner, null).fired();
    }

    @Override
    public FireResult fireDueAndHold(
        Instant now, int limit, Function<ScheduledTask, FirePlan> planner, ClaimRequest hold) {
      return fire(now, limit, planner, Objects.requireNonNull(hold, "hold"));
    }

    private FireResult fire(
        Instant now, int limit, Function<ScheduledTask, FirePlan> planner, @Nullable ClaimRequest hold) {
      return s.locked(
          () -> {
            List<ClaimedJob> held = new ArrayList<>();
            String token = UUID.randomUUID().toString();
            List<TaskRow> due =
                s.tasks.values().stream()
                    .filter(r -> r.task.enabled() && r.task.nextRunAt().isPresent() && !r.task.nextRunAt().get().isAfter(now))
                    .sorted(Comparator.comparing((TaskRow r) -> r.task.nextRunAt().orElseThrow()).thenComparing(r -> r.task.id().value()))
                    .limit(limit)
                    .toList();
            List<Fired> out = new ArrayList<>();
            for (TaskRow r : due) {
              ScheduledTask t = r.task;
              Instant fireTime = t.nextRunAt().orElseThrow();
              FirePlan plan = planner.apply(snapshot(t));
              Optional<Job> job = Optional.empty();
              boolean inserted = false;
              if (plan.job().isPresent()) {
                NewJob n = plan.job().get();
                InsertResult ir = jobs.insertAll(List.of(n), "system").get(0);
                job = Optional.of(ir.job());
                inserted = ir.inserted();
                if (inserted
                    && hold != null
                    && held.size() < hold.limit()
                    && n.status() == JobStatus.QUEUED
                    && n.approval().isEmpty()
                    && n.queue().equals(hold.queue())) {
                  held.add(jobs.holdInserted(n.id(), hold, token));
                }
              }
              r.task =
                  new ScheduledTask(
                      t.id(), t.name(), t.schedule(), t.timezone(), t.action(), t.args(), t.enabled(),
                      t.misfirePolicy(), t.owner(), t.createdAt(), t.updatedAt(), plan.nextRunAt(),
                      job.isPresent() ? Optional.of(fireTime) : t.lastRunAt(),
                      job.isPresent() ? job.map(Job::id) : t.lastJobId(),
                      Optional.empty());
              out.add(new Fired(snapshot(r.task), fireTime, job, inserted));
            }
            return new FireResult(out, held);
          });
    }

    @Override
    public Optional<Instant> nextDue() {
      return s.locked(
          () ->
              s.tasks.values().stream()
                  .filter(r -> r.task.enabled())
                  .map(r -> r.task.nextRunAt())
                  .flatMap(Optional::stream)
                  .min(Comparator.naturalOrder()));
    }
  }

  private static final class MemoryAdminStore implements AdminStore {
    private final State s;

    MemoryAdminStore(State s) {
      this.s = s;
    }

    @Override
    public void setPaused(String queue, boolean paused, String by, Instant now) {
      s.locked(() -> paused ? s.paused.add(queue) : s.paused.remove(queue));
    }

    @Override
    public Set<String> pausedQueues() {
      return s.locked(() -> Set.copyOf(s.paused));
    }

    @Override
    public int purge(Instant finishedBefore, Set<JobStatus> statuses, int limit) {
      return s.locked(
          () -> {
            List<Row> doomed =
                s.rows.values().stream()
                    .filter(r -> statuses.contains(r.status) && r.status.isTerminal())
                    .filter(r -> r.finishedAt != null && r.finishedAt.isBefore(finishedBefore))
                    .limit(limit)
                    .toList();
            for (Row r : doomed) {
              s.rows.remove(r.id);
              s.newestFirst.remove(r);
              s.events.remove(r.id);
              ApprovalRow a = s.approvalOfJob.remove(r.id);
              if (a != null) {
                s.approvals.remove(a.id);
                s.pending.remove(a);
              }
            }
            return doomed.size();
          });
    }

    @Override
    public List<FinishedCount> finishedSince(Instant since) {
      return s.locked(
          () -> {
            Map<List<Object>, Long> counts = new LinkedHashMap<>();
            for (Row r : s.rows.values()) {
              if (r.status.isTerminal() && r.finishedAt != null && !r.finishedAt.isBefore(since)) {
                counts.merge(List.of(r.queue, r.function, r.status), 1L, Long::sum);
              }
            }
            List<FinishedCount> out = new ArrayList<>();
            counts.forEach(
                (k, n) -> out.add(new FinishedCount((String) k.get(0), (String) k.get(1), (JobStatus) k.get(2), n)));
            return out;
          });
    }
  }

  private static final class MemoryNodeStore implements NodeStore {
    private final State s;

    MemoryNodeStore(State s) {
      this.s = s;
    }

    @Override
    public void register(NodeInfo node) {
      s.locked(() -> s.nodes.put(node.id(), node));
    }

    @Override
    public void heartbeat(NodeId node, Instant now, int busy, int total) {
      s.locked(
          () -> {
            NodeInfo old = s.nodes.get(node);
            Instant started = old == null ? now : old.startedAt();
            Map<String, Integer> workers = old == null ? Map.of() : old.workers();
            return s.nodes.put(node, new NodeInfo(node, started, now, busy, total, workers));
          });
    }

    @Override
    public List<NodeInfo> list() {
      return s.locked(() -> List.copyOf(s.nodes.values()));
    }

    @Override
    public void remove(NodeId node) {
      s.locked(() -> s.nodes.remove(node));
    }
  }
}
