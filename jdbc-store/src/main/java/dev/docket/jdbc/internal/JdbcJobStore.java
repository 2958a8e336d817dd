package dev.docket.jdbc.internal;

import static dev.docket.jdbc.internal.JobRows.COLUMNS;
import static dev.docket.jdbc.internal.Dialect.TimedSet.DUE;
import static dev.docket.jdbc.internal.Dialect.TimedSet.LEASED;
import static dev.docket.jdbc.internal.JobRows.QUALIFIED_COLUMNS;
import static dev.docket.jdbc.internal.JobRows.json;
import static dev.docket.jdbc.internal.JobRows.ts;

import dev.docket.Cursor;
import dev.docket.IllegalJobStateException;
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
import dev.docket.jdbc.LeaseClock;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.Completion;
import dev.docket.spi.DepthCounter;
import dev.docket.spi.InsertResult;
import dev.docket.spi.JobStore;
import dev.docket.spi.Lease;
import dev.docket.spi.LeaseCheck;
import dev.docket.spi.NewJob;
import dev.docket.spi.Outcome;
import dev.docket.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;

/**
 * {@link JobStore} on H2 or PostgreSQL. Each operation is one transaction whose writes are
 * conditional on the job's state (and lease token), so concurrent nodes never both win.
 */
public final class JdbcJobStore implements JobStore {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JdbcJobStore.class);

  /** The claim's check that its queue is not paused (a primary-key lookup, evaluated once). */
  private static final String NOT_PAUSED =
      " AND NOT EXISTS (SELECT 1 FROM <prefix>queues pq WHERE pq.queue = :queue AND pq.paused = TRUE)";

  /** Jobs per statement when a list of ids is bound. */
  static final int CHUNK = 500;

  /** Most new jobs in one {@code COPY} (the rows are built in memory first). */
  static final int COPY_CHUNK = 5_000;
  /** Most outcomes written in one group commit. */
  static final int MAX_GROUP = 128;
  /** Longest event detail kept. */
  static final int MAX_DETAIL = 2_000;

  private final Db db;
  private final LeaseClock leaseClock;
  private final Signals signals;
  private final String lock;
  private final GroupCommit<Completion, Optional<Job>> completions =
      new GroupCommit<>(MAX_GROUP, this::completeBatch);

  /** Sends cross-node signals inside a transaction (PostgreSQL NOTIFY); a no-op on H2. */
  public interface Signals {
    void work(Handle h, String queue);

    void cancel(Handle h, JobId id);

    /**
     * {@link #work} as a call a statement can make itself, so that a one-statement write signals
     * as it commits, without a statement of its own; {@code null} when these signals have none.
     */
    default @Nullable Notice workNotice(String queue) {
      return null;
    }
  }

  /** A {@code pg_notify} call: its channel and payload, bound as {@code :noticeChannel} and {@code :noticePayload}. */
  public record Notice(String channel, String payload) {}

  public JdbcJobStore(Db db, LeaseClock leaseClock, Signals signals) {
    this.db = db;
    this.leaseClock = leaseClock;
    this.signals = signals;
    this.lock = db.dialect() instanceof Dialect.Postgres ? " FOR UPDATE" : "";
  }

  private String skipLocked() {
    return db.dialect() instanceof Dialect.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
  }

  private String leaseUntil() {
    return leaseClock == LeaseClock.DATABASE ? db.dialect().dbNowPlusLease() : ":leaseUntil";
  }

  private String leaseNow() {
    return leaseClock == LeaseClock.DATABASE ? "CURRENT_TIMESTAMP" : ":now";
  }

  private static void bindLease(org.jdbi.v3.core.statement.SqlStatement<?> u, Instant now, Duration lease) {
    u.bind("leaseMs", lease.toMillis()).bind("leaseUntil", ts(now.plus(lease)));
  }

  // ------------------------------------------------------------------ insert

  @Override
  public InsertResult insert(NewJob job, String by) {
    return insertAll(List.of(job), by).get(0);
  }

  @Override
  public List<InsertResult> insertAll(List<NewJob> jobs, String by) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    if (jobs.size() == 1 && insertsInOneStatement(jobs.get(0))) {
      InsertResult one = insertOnePg(jobs.get(0), by);
      if (one != null) {
        return List.of(one);
      }
    }
    return writeRetryingIdRace(h -> insertAllIn(h, jobs, by));
  }

  /**
   * Whether a job goes in by {@link #insertOnePg}: on PostgreSQL, on a pooled connection, one
   * statement's write (no approval row beside it).
   */
  private boolean insertsInOneStatement(NewJob j) {
    return db.dialect() instanceof Dialect.Postgres
        && !db.isOnCallerConnection()
        && j.approval().isEmpty()
        && (j.status() == JobStatus.QUEUED || j.status() == JobStatus.SCHEDULED);
  }

  /**
   * PostgreSQL, one job submitted where no worker of this node takes it (a producer-only node, say):
   * the insert, its history row and the {@code NOTIFY} that wakes other nodes are one statement in
   * autocommit mode, so the submit is one round trip instead of three (the insert, the notify, the
   * {@code COMMIT}), and the notice leaves as the row commits. {@code null} when the id exists: the
   * statement wrote nothing, and the general way reports the stored job (or refuses another owner's).
   */
  private @Nullable InsertResult insertOnePg(NewJob j, String by) {
    Notice notice = j.status() == JobStatus.QUEUED ? signals.workNotice(j.queue()) : null;
    boolean inserted = db.writeOneStatement(h -> !insertChunkPg(h, List.of(j), by, null, notice).isEmpty());
    return inserted ? new InsertResult(asStored(j), true) : null;
  }

  /**
   * One transaction: the insert, then the claim. Inside a caller's transaction nothing is claimed:
   * the jobs must not start before the caller commits them.
   */
  @Override
  public InsertedAndClaimed insertAllAndClaim(List<NewJob> jobs, String by, ClaimRequest claim) {
    if (db.isOnCallerConnection() || jobs.isEmpty()) {
      return new InsertedAndClaimed(insertAll(jobs, by), List.of());
    }
    NewJob one = jobs.get(0);
    if (jobs.size() == 1
        && one.status() == JobStatus.QUEUED
        && one.approval().isEmpty()
        && one.queue().equals(claim.queue())
        && claim.limit() >= 1) {
      return db.dialect() instanceof Dialect.Postgres
          ? insertOneAndClaimPg(one, by, claim)
          : writeRetryingIdRace(h -> insertOneAndClaimH2(h, one, by, claim));
    }
    return writeRetryingIdRace(h -> insertAllAndClaimIn(h, jobs, by, claim));
  }

  /**
   * PostgreSQL, one ready job into a queue this node claims from (a single submit): when the queue
   * holds no other ready job and is not paused, the claim would take exactly this job, so it is
   * inserted claimed, in one statement instead of an insert and a claim. Stored exactly as the two
   * would store it (a first attempt on this node, its history implicit). Otherwise, or when the id
   * exists, it goes the general way. Two such submits at once may both see the queue empty; each
   * then runs its own new job, which a claim could have done too.
   *
   * <p>The statement runs in autocommit mode ({@link Db#writeOneStatement}): it writes the job
   * (claimed or queued) in one statement, so it commits on its own, without a {@code COMMIT}'s
   * round trip (W2's pick-up on PostgreSQL). When the job went in queued, the claim follows in a
   * transaction of its own; should that claim fail, the job stays queued and nothing is returned
   * claimed, so the engine's dispatcher claims it (an empty claim wakes it, see Engine#afterInsert).
   * An id that exists writes nothing, and the general way then runs in one transaction.
   */
  private InsertedAndClaimed insertOneAndClaimPg(NewJob j, String by, ClaimRequest claim) {
    Optional<ClaimedJob> stored = db.writeOneStatement(h -> insertOneDirectPg(h, j, by, claim));
    if (stored == null) { // the id exists: the general way reports it (or refuses another owner's)
      return writeRetryingIdRace(h -> insertAllAndClaimIn(h, List.of(j), by, claim));
    }
    List<InsertResult> inserted = List.of(new InsertResult(asStored(j), true));
    if (stored.isPresent()) {
      return new InsertedAndClaimed(inserted, List.of(stored.get()));
    }
    // other ready jobs go first: claim as the general way does
    List<ClaimedJob> claimed;
    try {
      claimed =
          db.write(
              h -> {
                List<ClaimedJob> c = claimIn(h, claim);
                if (c.size() >= claim.limit()) {
                  signals.work(h, claim.queue()); // the claim was full: more may be left for others
                }
                return c;
              });
    } catch (StoreException e) {
      log.warn("claim after the submit of job {} failed; the job is stored and waits for the dispatcher", j.id(), e);
      claimed = List.of();
    }
    return new InsertedAndClaimed(inserted, claimed);
  }

  /**
   * {@link #insertOneAndClaimPg}'s statement: the job claimed (present), queued (empty), or not
   * written because its id exists ({@code null}).
   */
  private @Nullable Optional<ClaimedJob> insertOneDirectPg(Handle h, NewJob j, String by, ClaimRequest claim) {
    String token = UUID.randomUUID().toString();
    Query q =
        h.createQuery(
                "WITH direct AS (SELECT CAST(:scheduledAt AS timestamptz) <= CAST(:now AS timestamptz)"
                    + " AND NOT EXISTS (SELECT 1 FROM <prefix>jobs WHERE status = 'QUEUED'"
                    + " AND queue = :queue AND scheduled_at <= :now)"
                    + " AND NOT EXISTS (SELECT 1 FROM <prefix>queues pq WHERE pq.queue = :queue AND pq.paused = TRUE)"
                    + " AS yes),"
                    + " ins AS (INSERT INTO <prefix>jobs (id, function_name, queue, status, priority, args, attempts,"
                    + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested, created_at,"
                    + " scheduled_at, created_by, history_implicit, started_at, node_id, lease_token, lease_expires_at)"
                    + " SELECT :id, :fn, :queue, CASE WHEN yes THEN 'RUNNING' ELSE 'QUEUED' END, :priority, :args,"
                    + " CASE WHEN yes THEN 1 ELSE 0 END, :maxAttempts, :corr, :owner, :timeoutMs, :backoff, FALSE,"
                    + " :createdAt, :scheduledAt, :by, TRUE, CASE WHEN yes THEN CAST(:now AS timestamptz) END,"
                    + " CASE WHEN yes THEN CAST(:node AS varchar) END, CASE WHEN yes THEN CAST(:token AS varchar) END,"
                    + " CASE WHEN yes THEN CAST(" + leaseUntil() + " AS timestamptz) END"
                    + " FROM direct ON CONFLICT (id) DO NOTHING RETURNING *)"
                    + " SELECT " + COLUMNS + " FROM ins")
            .bind("now", ts(claim.now()))
            .bind("node", claim.node().value())
            .bind("token", token);
    bindNewJob(q, j, by);
    bindLease(q, claim.now(), claim.leaseDuration());
    Optional<ClaimedJob> stored =
        q.map(
                (rs, ctx) -> {
                  Job job = JobRows.JOB.map(rs, ctx);
                  return job.status() == JobStatus.RUNNING
                      ? Optional.of(new ClaimedJob(
                          job, new Lease(j.id(), claim.node(), token, JobRows.instant(rs, "lease_expires_at"))))
                      : Optional.<ClaimedJob>empty();
                })
            .findOne()
            .orElse(null);
    return stored;
  }

  /**
   * H2 (writes serialised, so nothing changes between the check and the insert): as {@link
   * #insertOneAndClaimPg}, a check and one insert that returns the stored row instead of an
   * insert, a select and an update.
   */
  private InsertedAndClaimed insertOneAndClaimH2(Handle h, NewJob j, String by, ClaimRequest claim) {
    // one statement: inserted claimed only when the claim would take exactly this job; no row
    // otherwise (and when the id exists), and then the general way
    String token = UUID.randomUUID().toString();
    Query q =
        h.createQuery(
                "SELECT " + COLUMNS + " FROM FINAL TABLE (INSERT INTO <prefix>jobs (id, function_name, queue, status,"
                    + " priority, args, attempts, max_attempts, correlation_id, owner_id, timeout_ms, backoff,"
                    + " cancel_requested, created_at, scheduled_at, created_by, history_implicit, started_at, node_id,"
                    + " lease_token, lease_expires_at) SELECT :id, :fn, :queue, 'RUNNING', :priority, :args, 1,"
                    + " :maxAttempts, :corr, :owner, :timeoutMs, :backoff, FALSE, :createdAt, :scheduledAt, :by, TRUE,"
                    + " :now, :node, :token, " + leaseUntil()
                    + " FROM DUAL WHERE CAST(:scheduledAt AS TIMESTAMP WITH TIME ZONE) <= CAST(:now AS TIMESTAMP WITH TIME ZONE)"
                    + " AND NOT EXISTS (SELECT 1 FROM <prefix>jobs WHERE " + db.dialect().readyIn()
                    + " AND scheduled_at <= :now)"
                    + " AND NOT EXISTS (SELECT 1 FROM <prefix>queues pq WHERE pq.queue = :queue AND pq.paused = TRUE)"
                    + (j.freshId() ? "" : " AND NOT EXISTS (SELECT 1 FROM <prefix>jobs WHERE id = :id)")
                    + ")");
    bindNewJob(q, j, by).bind("now", ts(claim.now())).bind("node", claim.node().value()).bind("token", token);
    bindLease(q, claim.now(), claim.leaseDuration());
    Optional<ClaimedJob> claimed =
        q.map(
                (rs, ctx) ->
                    new ClaimedJob(
                        JobRows.JOB.map(rs, ctx),
                        new Lease(j.id(), claim.node(), token, JobRows.instant(rs, "lease_expires_at"))))
            .findOne();
    if (claimed.isEmpty()) {
      return insertAllAndClaimIn(h, List.of(j), by, claim);
    }
    listCorrelationsH2(h, List.of(j));
    return new InsertedAndClaimed(List.of(new InsertResult(asStored(j), true)), List.of(claimed.get()));
  }

  /** Binds a new job's columns, as the inserts name them (all but status and history_implicit). */
  private static <S extends SqlStatement<S>> S bindNewJob(S q, NewJob j, String by) {
    return q.bind("id", j.id().value())
        .bind("fn", j.function())
        .bind("queue", j.queue())
        .bind("priority", j.priority())
        .bind("args", json(j.args()))
        .bind("maxAttempts", j.maxAttempts())
        .bind("corr", j.correlationId().orElse(null))
        .bind("owner", j.owner())
        .bind("timeoutMs", j.timeout().map(Duration::toMillis).orElse(null))
        .bind("backoff", j.backoff().map(dev.docket.Backoff::spec).orElse(null))
        .bind("createdAt", ts(j.createdAt()))
        .bind("scheduledAt", ts(j.scheduledAt()))
        .bind("by", JobRows.truncate(by, 128));
  }

  /** The insert, then the claim, in the caller's transaction {@code h}. */
  private InsertedAndClaimed insertAllAndClaimIn(Handle h, List<NewJob> jobs, String by, ClaimRequest claim) {
    List<InsertResult> inserted = insertAllIn(h, jobs, by, claim.queue(), null);
    List<ClaimedJob> claimed = claimIn(h, claim);
    if (claimed.size() >= claim.limit() && inserted.stream().anyMatch(r -> r.inserted()
        && r.job().status() == JobStatus.QUEUED && r.job().queue().equals(claim.queue()))) {
      signals.work(h, claim.queue()); // the claim was full: more may be left for others
    }
    return new InsertedAndClaimed(inserted, claimed);
  }

  /**
   * An insert transaction, retried when two inserts of one new id raced (on H2, or in another
   * caller's transaction): the loser then sees the winner's row. Not inside a caller's own
   * transaction, which a failed statement has already spoiled.
   */
  private <T> T writeRetryingIdRace(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return db.write(work);
      } catch (StoreException e) {
        if (attempt >= 3 || !Db.isUniqueViolation(e) || db.isOnCallerConnection()) {
          throw e;
        }
      }
    }
  }

  List<InsertResult> insertAllIn(Handle h, List<NewJob> jobs, String by) {
    return insertAllIn(h, jobs, by, null, null);
  }

  /**
   * Jobs an insert stores claimed for a node (a fire's, see ScheduleStore#fireDueAndHold): {@code
   * ids} get {@code RUNNING}, a first attempt started (claimed) at the request's time, and the lease.
   */
  record Hold(ClaimRequest request, String token, Set<JobId> ids) {}

  /**
   * As {@link #insertAllIn(Handle, List, String)}, with up to {@code hold.limit()} of the new
   * ready jobs of {@code hold.queue()} (in order, never one whose id existed) stored claimed by
   * {@code hold.node()}; adds those to {@code heldOut}.
   */
  List<InsertResult> insertAllHolding(
      Handle h, List<NewJob> jobs, String by, ClaimRequest hold, List<ClaimedJob> heldOut) {
    Set<JobId> ids = new LinkedHashSet<>();
    for (NewJob j : jobs) {
      if (ids.size() < hold.limit()
          && j.status() == JobStatus.QUEUED
          && j.approval().isEmpty()
          && j.queue().equals(hold.queue())) {
        ids.add(j.id());
      }
    }
    Hold held = new Hold(hold, UUID.randomUUID().toString(), ids);
    List<InsertResult> out = insertAllIn(h, jobs, by, null, ids.isEmpty() ? null : held);
    List<JobId> stored = new ArrayList<>();
    for (InsertResult r : out) {
      if (r.inserted() && ids.contains(r.job().id())) {
        stored.add(r.job().id());
      }
    }
    // read back as stored, with the leases as the database computed them
    Map<JobId, ClaimedJob> rows = new HashMap<>();
    for (List<String> chunk : chunks(stored)) {
      h.createQuery("SELECT " + COLUMNS + ", lease_expires_at FROM <prefix>jobs WHERE id IN (<ids>)"
                  + " AND status = 'RUNNING' AND lease_token = :token")
          .bindList("ids", chunk)
          .bind("token", held.token())
          .map((rs, ctx) -> {
            Job j = JobRows.JOB.map(rs, ctx);
            return new ClaimedJob(j, new Lease(j.id(), hold.node(), held.token(), JobRows.instant(rs, "lease_expires_at")));
          })
          .forEach(c -> rows.put(c.job().id(), c));
    }
    for (JobId id : stored) {
      heldOut.add(java.util.Objects.requireNonNull(rows.get(id), "held job " + id + " not read back"));
    }
    return out;
  }

  /** Inserts and signals every queue that got ready jobs, except {@code quiet} (the caller decides). */
  private List<InsertResult> insertAllIn(
      Handle h, List<NewJob> jobs, String by, @Nullable String quiet, @Nullable Hold hold) {
    Map<JobId, NewJob> first = new LinkedHashMap<>();
    for (NewJob j : jobs) {
      NewJob earlier = first.putIfAbsent(j.id(), j);
      if (earlier != null && !earlier.owner().equals(j.owner())) {
        throw new JobIdConflictException(j.id());
      }
    }
    Set<JobId> inserted = new HashSet<>();
    List<NewJob> batch = new ArrayList<>(first.values());
    // COPY has no statement to keep small: a batch it takes goes in one (up to COPY_CHUNK rows)
    boolean postgres = db.dialect() instanceof Dialect.Postgres;
    boolean copy = postgres && copies(h, batch, hold);
    int step = copy ? COPY_CHUNK : CHUNK;
    for (int i = 0; i < batch.size(); i += step) {
      List<NewJob> chunk = batch.subList(i, Math.min(batch.size(), i + step));
      inserted.addAll(
          !postgres
              ? insertChunkH2(h, chunk, by, hold)
              : copy && chunk.size() >= COPY_MIN ? copyChunkPg(h, chunk, by) : insertChunkPg(h, chunk, by, hold));
    }
    // ids that were there already (or that a concurrent transaction inserted first): same owner only
    List<JobId> existing = first.keySet().stream().filter(id -> !inserted.contains(id)).toList();
    Map<JobId, Job> rows = new HashMap<>();
    if (!existing.isEmpty()) {
      for (Job j : selectByIds(h, existing)) {
        if (!j.owner().equals(first.get(j.id()).owner())) {
          throw new JobIdConflictException(j.id());
        }
        rows.put(j.id(), j);
      }
    }
    Set<String> readyQueues = new LinkedHashSet<>();
    for (NewJob j : first.values()) {
      if (inserted.contains(j.id())) {
        rows.put(j.id(), asStored(j));
        if (j.status() == JobStatus.QUEUED && (hold == null || !hold.ids().contains(j.id()))) {
          readyQueues.add(j.queue()); // a held job is claimed already: nobody else need look
        }
      }
    }
    List<NewJob> gated =
        first.values().stream().filter(j -> j.approval().isPresent() && inserted.contains(j.id())).toList();
    if (!gated.isEmpty()) {
      JdbcApprovalStore.insertAll(h, gated);
    }
    readyQueues.remove(quiet);
    readyQueues.forEach(q -> signals.work(h, q));
    List<InsertResult> out = new ArrayList<>(jobs.size());
    Set<JobId> reported = new HashSet<>();
    for (NewJob j : jobs) {
      boolean isNew = inserted.contains(j.id()) && reported.add(j.id());
      out.add(new InsertResult(rows.get(j.id()), isNew));
    }
    return out;
  }

  /** The job exactly as a read would return it, without reading it. */
  private static Job asStored(NewJob n) {
    return new Job(
        n.id(),
        n.function(),
        n.queue(),
        n.status(),
        n.priority(),
        n.args(),
        Optional.empty(),
        Optional.empty(),
        0,
        n.maxAttempts(),
        n.correlationId(),
        n.owner(),
        n.timeout().map(t -> Duration.ofMillis(t.toMillis())),
        n.backoff().map(b -> dev.docket.Backoff.parse(b.spec())),
        false,
        ts(n.createdAt()).toInstant(),
        ts(n.scheduledAt()).toInstant(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * PostgreSQL: a whole chunk in one statement (arrays unnested), duplicates skipped by {@code ON
   * CONFLICT}, history rows written by the same statement.
   */
  private Set<JobId> insertChunkPg(Handle h, List<NewJob> chunk, String by, @Nullable Hold hold) {
    return insertChunkPg(h, chunk, by, hold, null);
  }

  /** As above; with {@code notice}, the statement also sends it (once per inserted row). */
  private Set<JobId> insertChunkPg(
      Handle h, List<NewJob> chunk, String by, @Nullable Hold hold, @Nullable Notice notice) {
    int n = chunk.size();
    Boolean[] held = new Boolean[n];
    NewJobColumns columns = new NewJobColumns(chunk);
    for (int i = 0; i < n; i++) {
      held[i] = hold != null && hold.ids().contains(chunk.get(i).id());
    }
    String sql =
        "WITH input AS (SELECT * FROM unnest(CAST(:ids AS varchar[]), CAST(:fns AS varchar[]),"
            + " CAST(:queues AS varchar[]), CAST(:statuses AS varchar[]), CAST(:priorities AS int[]),"
            + " CAST(:args AS text[]), CAST(:maxAttempts AS int[]), CAST(:corrs AS varchar[]),"
            + " CAST(:owners AS varchar[]), CAST(:timeouts AS bigint[]), CAST(:backoffs AS varchar[]),"
            + " CAST(:created AS text[]), CAST(:scheduled AS text[]), CAST(:held AS boolean[]))"
            + " AS t(id, fn, queue, status, priority, args, max_attempts, corr, owner, timeout_ms, backoff,"
            + " created_at, scheduled_at, held)),"
            // a held job (a fire's, claimed by the firing node) is stored as its claim would leave it
            + " ins AS (INSERT INTO <prefix>jobs (id, function_name, queue, status, priority, args, attempts,"
            + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested, created_at,"
            + " scheduled_at, created_by, history_implicit, started_at, node_id, lease_token, lease_expires_at)"
            + " SELECT id, fn, queue, CASE WHEN held THEN 'RUNNING' ELSE status END, priority, args,"
            + " CASE WHEN held THEN 1 ELSE 0 END, max_attempts, corr, owner, timeout_ms, backoff, FALSE,"
            + " CAST(created_at AS timestamptz), CAST(scheduled_at AS timestamptz), :by, status = 'QUEUED',"
            + " CASE WHEN held THEN CAST(:heldAt AS timestamptz) END,"
            + " CASE WHEN held THEN CAST(:node AS varchar) END, CASE WHEN held THEN CAST(:token AS varchar) END,"
            + " CASE WHEN held THEN CAST(" + leaseUntil() + " AS timestamptz) END"
            + " FROM input ON CONFLICT (id) DO NOTHING RETURNING id, created_at, history_implicit, status),"
            // a job created QUEUED has its first history entry in its row (history_implicit)
            + " ev AS (INSERT INTO <prefix>job_events (job_id, at, from_status, to_status, by_principal, detail)"
            + " SELECT id, created_at, NULL, status, :by, '' FROM ins WHERE NOT history_implicit)"
            + " SELECT id" + (notice == null ? "" : ", pg_notify(:noticeChannel, :noticePayload)") + " FROM ins";
    Set<JobId> inserted = new HashSet<>();
    Query q = h.createQuery(sql);
    if (notice != null) {
      q.bind("noticeChannel", notice.channel()).bind("noticePayload", notice.payload());
    }
    bindLease(q, hold == null ? Instant.EPOCH : hold.request().now(), hold == null ? Duration.ZERO : hold.request().leaseDuration());
    q.bind("heldAt", ts(hold == null ? Instant.EPOCH : hold.request().now()));
    columns
        .bindTo(q)
        .bindArray("held", Boolean.class, (Object[]) held)
        .bind("node", hold == null ? null : hold.request().node().value())
        .bind("token", hold == null ? null : hold.token())
        .bind("by", JobRows.truncate(by, 128))
        .mapTo(String.class)
        .forEach(id -> inserted.add(JobId.of(id)));
    return inserted;
  }

  /**
   * Whether a chunk goes by {@link #copyChunkPg}: new ready jobs only (their history is implicit,
   * no history rows), none held, every id generated by the engine for this insert (so none can
   * exist: nothing for {@code ON CONFLICT} to skip).
   */
  private static boolean copies(Handle h, List<NewJob> chunk, @Nullable Hold hold) {
    if (chunk.size() < COPY_MIN) {
      return false;
    }
    try {
      if (!h.getConnection().isWrapperFor(org.postgresql.PGConnection.class)) {
        return false; // a caller's connection from a pool that hides the driver's
      }
    } catch (java.sql.SQLException e) {
      return false;
    }
    for (NewJob j : chunk) {
      if (!j.freshId() || j.status() != JobStatus.QUEUED || (hold != null && hold.ids().contains(j.id()))) {
        return false;
      }
    }
    return true;
  }

  /** Below this many rows the statement's fixed cost is small and {@code COPY} brings nothing. */
  static final int COPY_MIN = 16;

  /**
   * PostgreSQL: new ready jobs with generated ids, by {@code COPY ... FROM STDIN} in the caller's
   * transaction: no statement to parse and plan, no arrays to unnest. Stored exactly as {@link
   * #insertChunkPg} stores them (first attempt to come, history implicit).
   */
  private Set<JobId> copyChunkPg(Handle h, List<NewJob> chunk, String by) {
    StringBuilder rows = new StringBuilder(chunk.size() * 256);
    String createdBy = JobRows.truncate(by, 128);
    Set<JobId> inserted = new HashSet<>();
    JobRows.TimeText times = new JobRows.TimeText();
    for (NewJob j : chunk) {
      copyField(rows, j.id().value()).append('\t');
      copyField(rows, j.function()).append('\t');
      copyField(rows, j.queue()).append('\t');
      rows.append("QUEUED\t").append(j.priority()).append('\t');
      copyField(rows, json(j.args())).append("\t0\t").append(j.maxAttempts()).append('\t');
      copyField(rows, j.correlationId().orElse(null)).append('\t');
      copyField(rows, j.owner()).append('\t');
      copyField(rows, j.timeout().map(t -> Long.toString(t.toMillis())).orElse(null)).append('\t');
      copyField(rows, j.backoff().map(dev.docket.Backoff::spec).orElse(null)).append("\tf\t");
      rows.append(times.text(j.createdAt())).append('\t').append(times.text(j.scheduledAt())).append('\t');
      copyField(rows, createdBy).append("\tt\n");
      inserted.add(j.id());
    }
    String sql =
        "COPY " + db.prefix() + "jobs (id, function_name, queue, status, priority, args, attempts,"
            + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested, created_at,"
            + " scheduled_at, created_by, history_implicit) FROM STDIN";
    try {
      org.postgresql.copy.CopyIn in =
          h.getConnection().unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(sql);
      byte[] bytes = rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try {
        in.writeToCopy(bytes, 0, bytes.length);
        in.endCopy();
      } finally {
        if (in.isActive()) {
          in.cancelCopy();
        }
      }
    } catch (java.sql.SQLException e) {
      throw new StoreException("database error: " + e.getMessage(), e);
    }
    return inserted;
  }

  /** One field of {@code COPY}'s text format: {@code \N} for null, the format's escapes otherwise. */
  private static StringBuilder copyField(StringBuilder out, @Nullable String value) {
    if (value == null) {
      return out.append("\\N");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out;
  }

  /** H2 (writes serialised per database): skip the ids that exist, batch-insert the rest. */
  private Set<JobId> insertChunkH2(Handle h, List<NewJob> chunk, String by, @Nullable Hold hold) {
    List<JobId> mayExist = chunk.stream().filter(j -> !j.freshId()).map(NewJob::id).toList();
    Set<JobId> present = mayExist.isEmpty() ? Set.of() : owners(h, mayExist).keySet();
    List<NewJob> fresh = chunk.stream().filter(j -> !present.contains(j.id())).toList();
    if (fresh.isEmpty()) {
      return Set.of();
    }
    listCorrelationsH2(h, fresh);
    List<NewJob> plain = hold == null ? fresh : fresh.stream().filter(j -> !hold.ids().contains(j.id())).toList();
    if (plain.size() < fresh.size()) {
      insertHeldH2(h, fresh.stream().filter(j -> hold.ids().contains(j.id())).toList(), by, hold);
    }
    if (plain.size() > 1) {
      insertTableH2(h, plain, by);
      Set<JobId> inserted = new HashSet<>();
      fresh.forEach(j -> inserted.add(j.id()));
      return inserted;
    }
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO <prefix>jobs (id, function_name, queue, status, priority, args, attempts,"
                + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested,"
                + " created_at, scheduled_at, created_by, history_implicit) VALUES (:id, :fn, :queue, :status,"
                + " :priority, :args, 0, :maxAttempts, :corr, :owner, :timeoutMs, :backoff, FALSE, :createdAt,"
                + " :scheduledAt, :by, :implicit)");
    PreparedBatch events = h.prepareBatch(EVENT_INSERT);
    boolean anyEvent = false;
    for (NewJob j : plain) {
      bindNewJob(batch, j, by)
          .bind("status", j.status().name())
          .bind("implicit", j.status() == JobStatus.QUEUED)
          .add();
      if (j.status() != JobStatus.QUEUED) {
        bindEvent(events, j.id(), j.createdAt(), null, j.status(), by, "").add();
        anyEvent = true;
      }
    }
    if (!plain.isEmpty()) {
      batch.execute();
    }
    if (anyEvent) {
      events.execute();
    }
    Set<JobId> inserted = new HashSet<>();
    fresh.forEach(j -> inserted.add(j.id()));
    return inserted;
  }

  /**
   * H2 (V009): the correlation listing's rows of new jobs that have a correlation id, in the
   * transaction that inserts the jobs (H2 has no partial index: {@code job_correlations} holds
   * only the jobs that have one).
   */
  private static void listCorrelationsH2(Handle h, List<NewJob> jobs) {
    PreparedBatch batch = null;
    for (NewJob j : jobs) {
      if (j.correlationId().isPresent()) {
        if (batch == null) {
          batch =
              h.prepareBatch(
                  "INSERT INTO <prefix>job_correlations (correlation_id, created_at, id) VALUES (:corr, :createdAt, :id)");
        }
        batch.bind("corr", j.correlationId().get()).bind("createdAt", ts(j.createdAt())).bind("id", j.id().value()).add();
      }
    }
    if (batch != null) {
      batch.execute();
    }
  }

  /**
   * New jobs' columns as arrays, one element per job, for the inserts that take many jobs from
   * arrays (PostgreSQL's {@code unnest}, H2's {@code TABLE}); times as ISO-8601 text.
   */
  private static final class NewJobColumns {
    private final String[] ids;
    private final String[] fns;
    private final String[] queues;
    private final String[] statuses;
    private final Integer[] priorities;
    private final String[] args;
    private final Integer[] maxAttempts;
    private final String[] corrs;
    private final String[] owners;
    private final Long[] timeouts;
    private final String[] backoffs;
    private final String[] created;
    private final String[] scheduled;

    NewJobColumns(List<NewJob> jobs) {
      int n = jobs.size();
      ids = new String[n];
      fns = new String[n];
      queues = new String[n];
      statuses = new String[n];
      priorities = new Integer[n];
      args = new String[n];
      maxAttempts = new Integer[n];
      corrs = new String[n];
      owners = new String[n];
      timeouts = new Long[n];
      backoffs = new String[n];
      created = new String[n];
      scheduled = new String[n];
      JobRows.TimeText times = new JobRows.TimeText();
      for (int i = 0; i < n; i++) {
        NewJob j = jobs.get(i);
        ids[i] = j.id().value();
        fns[i] = j.function();
        queues[i] = j.queue();
        statuses[i] = j.status().name();
        priorities[i] = j.priority();
        args[i] = json(j.args());
        maxAttempts[i] = j.maxAttempts();
        corrs[i] = j.correlationId().orElse(null);
        owners[i] = j.owner();
        timeouts[i] = j.timeout().map(Duration::toMillis).orElse(null);
        backoffs[i] = j.backoff().map(dev.docket.Backoff::spec).orElse(null);
        created[i] = times.text(j.createdAt());
        scheduled[i] = times.text(j.scheduledAt());
      }
    }

    /** Binds the arrays as {@code :ids, :fns, :queues, ...}. */
    <S extends SqlStatement<S>> S bindTo(S q) {
      return q.bindArray("ids", String.class, (Object[]) ids)
          .bindArray("fns", String.class, (Object[]) fns)
          .bindArray("queues", String.class, (Object[]) queues)
          .bindArray("statuses", String.class, (Object[]) statuses)
          .bindArray("priorities", Integer.class, (Object[]) priorities)
          .bindArray("args", String.class, (Object[]) args)
          .bindArray("maxAttempts", Integer.class, (Object[]) maxAttempts)
          .bindArray("corrs", String.class, (Object[]) corrs)
          .bindArray("owners", String.class, (Object[]) owners)
          .bindArray("timeouts", Long.class, (Object[]) timeouts)
          .bindArray("backoffs", String.class, (Object[]) backoffs)
          .bindArray("created", String.class, (Object[]) created)
          .bindArray("scheduled", String.class, (Object[]) scheduled);
    }
  }

  /**
   * H2: several new jobs in one statement over arrays (H2's {@code TABLE} function) instead of a
   * batch of one statement each, their history rows (jobs not created ready) in a second.
   */
  private static void insertTableH2(Handle h, List<NewJob> plain, String by) {
    boolean anyEvent = plain.stream().anyMatch(j -> j.status() != JobStatus.QUEUED);
    Update insert =
        h.createUpdate(
            "INSERT INTO <prefix>jobs (id, function_name, queue, status, priority, args, attempts,"
                + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested,"
                + " created_at, scheduled_at, created_by, history_implicit)"
                + " SELECT id, fn, q, st, pr, a, 0, ma, corr, own, tmo, bo, FALSE, CAST(cr AS TIMESTAMP(6) WITH TIME ZONE),"
                + " CAST(sc AS TIMESTAMP(6) WITH TIME ZONE), :by, st = 'QUEUED'"
                + " FROM TABLE(id VARCHAR = :ids, fn VARCHAR = :fns, q VARCHAR = :queues, st VARCHAR = :statuses,"
                + " pr INTEGER = :priorities, a VARCHAR = :args, ma INTEGER = :maxAttempts, corr VARCHAR = :corrs,"
                + " own VARCHAR = :owners, tmo BIGINT = :timeouts, bo VARCHAR = :backoffs,"
                + " cr VARCHAR = :created, sc VARCHAR = :scheduled)");
    new NewJobColumns(plain).bindTo(insert).bind("by", JobRows.truncate(by, 128)).execute();
    if (anyEvent) {
      PreparedBatch events = h.prepareBatch(EVENT_INSERT);
      for (NewJob j : plain) {
        if (j.status() != JobStatus.QUEUED) {
          bindEvent(events, j.id(), j.createdAt(), null, j.status(), by, "").add();
        }
      }
      events.execute();
    }
  }

  /**
   * H2: new ready jobs stored claimed (see {@link Hold}), with implicit history like a claim of a
   * first attempt.
   */
  private void insertHeldH2(Handle h, List<NewJob> held, String by, Hold hold) {
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO <prefix>jobs (id, function_name, queue, status, priority, args, attempts,"
                + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested,"
                + " created_at, scheduled_at, created_by, history_implicit, started_at, node_id, lease_token,"
                + " lease_expires_at) VALUES (:id, :fn, :queue, 'RUNNING', :priority, :args, 1, :maxAttempts, :corr,"
                + " :owner, :timeoutMs, :backoff, FALSE, :createdAt, :scheduledAt, :by, TRUE, :heldAt, :node,"
                + " :token, " + leaseUntil() + ")");
    for (NewJob j : held) {
      bindNewJob(batch, j, by)
          .bind("heldAt", ts(hold.request().now()))
          .bind("node", hold.request().node().value())
          .bind("token", hold.token());
      bindLease(batch, hold.request().now(), hold.request().leaseDuration());
      batch.add();
    }
    batch.execute();
  }

  private Map<JobId, String> owners(Handle h, java.util.Collection<JobId> ids) {
    Map<JobId, String> owners = new HashMap<>();
    for (List<String> chunk : chunks(ids)) {
      h.createQuery("SELECT id, owner_id FROM <prefix>jobs WHERE id IN (<ids>)")
          .bindList("ids", chunk)
          .map((rs, ctx) -> Map.entry(JobId.of(rs.getString(1)), rs.getString(2)))
          .forEach(e -> owners.put(e.getKey(), e.getValue()));
    }
    return owners;
  }

  private List<Job> selectByIds(Handle h, java.util.Collection<JobId> ids) {
    List<Job> out = new ArrayList<>();
    for (List<String> chunk : chunks(ids)) {
      out.addAll(
          h.createQuery("SELECT " + COLUMNS + " FROM <prefix>jobs WHERE id IN (<ids>)")
              .bindList("ids", chunk)
              .map(JobRows.JOB)
              .list());
    }
    return out;
  }

  private static List<List<String>> chunks(java.util.Collection<JobId> ids) {
    List<String> all = ids.stream().map(JobId::value).toList();
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  // ------------------------------------------------------------------ reads

  @Override
  public Optional<Job> find(JobId id) {
    return db.read(h -> findIn(h, id, ""));
  }

  /** {@code FOR UPDATE} where row locks matter (PostgreSQL); empty on H2 (writes are serial). */
  String lockClause() {
    return lock;
  }

  void signalWork(Handle h, String queue) {
    signals.work(h, queue);
  }

  Optional<Job> findIn(Handle h, JobId id, String lockClause) {
    return h.createQuery("SELECT " + COLUMNS + " FROM <prefix>jobs WHERE id = :id" + lockClause)
        .bind("id", id.value())
        .map(JobRows.JOB)
        .findOne();
  }

  @Override
  public Optional<Instant> nextScheduledAt(Set<String> queues) {
    if (queues.isEmpty()) {
      return Optional.empty();
    }
    return db.read(
        h ->
            h.createQuery(
                    "SELECT MIN(scheduled_at) FROM <prefix>jobs WHERE " + db.dialect().in(DUE)
                        + " AND queue IN (<queues>)")
                .bindList("queues", List.copyOf(queues))
                .map((rs, ctx) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)))
                .one()
                .map(OffsetDateTime::toInstant));
  }

  @Override
  public Page<Job> list(JobFilter filter, Optional<Cursor> after, int limit) {
    // A correlation id's jobs come in order from job_correlations (H2 since V009, PostgreSQL
    // since V010). Otherwise H2 reads its listing indexes on jobs, and PostgreSQL job_batches
    // (V010): rows of up to 1,000 ids of one instant and owner, read newest first; their ids are
    // unnested and the (created_at, id) pairs sorted (an incremental sort by instant) under a
    // LIMIT before the jobs are fetched, so a page among 100,000 jobs of one instant fetches its
    // page, not the 100,000 (with a filter on the jobs' columns: listBatchesFiltered). The jobs'
    // state comes from jobs
    boolean pg = db.dialect() instanceof Dialect.Postgres;
    boolean correlated = filter.correlationId().isPresent();
    boolean batches = pg && !correlated;
    boolean joined = pg || correlated;
    String at = batches ? "b.created_at" : joined ? "l.created_at" : "created_at";
    String id = joined ? "l.id" : "id";
    String j = joined ? "j." : "";
    // the listing's own conditions (correlation id; owner and cursor on job_batches), and those
    // on the jobs' columns
    StringBuilder listed = new StringBuilder();
    StringBuilder onJobs = new StringBuilder();
    Map<String, Object> binds = new HashMap<>();
    if (!filter.statuses().isEmpty()) {
      onJobs.append(" AND ").append(j).append("status IN (<statuses>)");
    }
    filter.queue().ifPresent(q -> { onJobs.append(" AND ").append(j).append("queue = :queue"); binds.put("queue", q); });
    filter.function().ifPresent(f -> { onJobs.append(" AND ").append(j).append("function_name = :fn"); binds.put("fn", f); });
    filter.correlationId().ifPresent(c -> { listed.append(" AND l.correlation_id = :corr"); binds.put("corr", c); });
    filter.owner().ifPresent(o -> { (batches ? listed : onJobs).append(" AND ").append(batches ? "b." : j).append("owner_id = :owner"); binds.put("owner", o); });
    List<Job> rows;
    if (batches && onJobs.length() > 0) {
      // the windows carry the cursor themselves
      rows = listBatchesFiltered(filter, after, limit, onJobs.toString(), binds);
    } else {
      after.ifPresent(
          c -> {
            // the first conjunct bounds the index range; the second is the cursor's exact order
            listed.append(" AND " + at + " <= :cAt AND (" + at + " < :cAt OR " + id + " < :cId)");
            binds.put("cAt", ts(c.createdAt()));
            binds.put("cId", c.id());
          });
      StringBuilder sql = new StringBuilder();
      if (batches) {
        // the page's pairs first, then their jobs: the pairs' sort never carries the jobs' rows
        sql.append("SELECT " + QUALIFIED_COLUMNS + " FROM (SELECT b.created_at, l.id FROM <prefix>job_batches b")
            .append(" CROSS JOIN LATERAL unnest(b.ids) AS l(id) WHERE 1 = 1").append(listed)
            .append(" ORDER BY b.created_at DESC, l.id DESC LIMIT :limit) l JOIN <prefix>jobs j ON j.id = l.id")
            .append(" ORDER BY l.created_at DESC, l.id DESC");
      } else {
        sql.append(
                correlated
                    ? "SELECT " + QUALIFIED_COLUMNS + " FROM <prefix>job_correlations l JOIN <prefix>jobs j ON j.id = l.id"
                    : "SELECT " + COLUMNS + " FROM <prefix>jobs")
            .append(" WHERE 1 = 1").append(listed).append(onJobs);
        // H2 reads an index in its order only when the ORDER BY names its leading column, even one
        // the WHERE fixes: the correlation id's or the owner's listing index
        String lead = pg ? "" : correlated ? "l.correlation_id, " : filter.owner().isPresent() ? "owner_id, " : "";
        sql.append(" ORDER BY " + lead + at + " DESC, " + id + " DESC LIMIT :limit");
      }
      rows =
          db.read(
              h -> {
                Query q = h.createQuery(sql.toString()).bind("limit", limit + 1);
                if (!filter.statuses().isEmpty()) {
                  q.bindList("statuses", filter.statuses().stream().map(Enum::name).toList());
                }
                binds.forEach(q::bind);
                return q.map(JobRows.JOB).list();
              });
    }
    boolean more = rows.size() > limit;
    List<Job> items = more ? rows.subList(0, limit) : rows;
    Optional<Cursor> next =
        more
            ? Optional.of(Cursor.after(items.get(limit - 1).createdAt(), items.get(limit - 1).id().value()))
            : Optional.empty();
    return new Page<>(items, next);
  }

  /**
   * PostgreSQL, a list with a filter on the jobs' own columns (state, queue, function): the
   * listing's pairs in windows, each window's jobs fetched and filtered in the same statement,
   * until the page (and one more, for the next cursor) is full or the listing ends. A window has a
   * LIMIT, so the planner reads the listing index in order however few jobs match, and a window
   * never sorts more than its own pairs; windows grow from 4 pages' worth to 65,536 pairs.
   */
  private List<Job> listBatchesFiltered(
      JobFilter filter, Optional<Cursor> after, int limit, String onJobs, Map<String, Object> binds) {
    String ownerClause = filter.owner().isPresent() ? " AND b.owner_id = :owner" : "";
    List<Job> out = new ArrayList<>();
    Optional<Cursor> from = after;
    int window = Math.max(4 * (limit + 1), 256);
    while (true) {
      String sql =
          "WITH w AS MATERIALIZED (SELECT b.created_at, l.id FROM <prefix>job_batches b CROSS JOIN LATERAL"
              + " unnest(b.ids) AS l(id) WHERE 1 = 1" + ownerClause
              + (from.isPresent() ? " AND b.created_at <= :wAt AND (b.created_at < :wAt OR l.id < :wId)" : "")
              + " ORDER BY b.created_at DESC, l.id DESC LIMIT :window)"
              + " SELECT w.created_at AS w_at, w.id AS w_id, " + QUALIFIED_COLUMNS + " FROM w LEFT JOIN <prefix>jobs j"
              + " ON j.id = w.id" + onJobs + " ORDER BY w.created_at DESC, w.id DESC";
      Optional<Cursor> start = from;
      int size = window;
      List<Map.Entry<Cursor, Optional<Job>>> got =
          db.read(
              h -> {
                Query q = h.createQuery(sql).bind("window", size);
                if (!filter.statuses().isEmpty()) {
                  q.bindList("statuses", filter.statuses().stream().map(Enum::name).toList());
                }
                binds.forEach(q::bind);
                start.ifPresent(c -> q.bind("wAt", ts(c.createdAt())).bind("wId", c.id()));
                return q.map(
                        (rs, ctx) ->
                            Map.entry(
                                Cursor.after(JobRows.instant(rs, "w_at"), rs.getString("w_id")),
                                rs.getString("id") == null ? Optional.<Job>empty() : Optional.of(JobRows.JOB.map(rs, ctx))))
                    .list();
              });
      for (Map.Entry<Cursor, Optional<Job>> e : got) {
        if (e.getValue().isPresent()) {
          out.add(e.getValue().get());
          if (out.size() > limit) {
            return out;
          }
        }
      }
      if (got.size() < window) {
        return out; // the listing ends within this window
      }
      from = Optional.of(got.get(got.size() - 1).getKey());
      window = Math.min(window * 2, 65_536);
    }
  }

  @Override
  public List<QueueDepth> depth(Optional<String> owner, Instant now) {
    // one branch per index: queued jobs on the ready jobs' index (with the oldest due time),
    // running ones on the leases', the other unfinished states on theirs; finished jobs are never
    // read (see Dialect)
    String ownerClause = owner.isPresent() ? " AND owner_id = :owner" : "";
    Dialect d = db.dialect();
    String sql =
        "SELECT queue, status, COUNT(*) AS n, MIN(scheduled_at) AS oldest FROM <prefix>jobs"
            + " WHERE " + d.ready() + ownerClause + " GROUP BY queue, status"
            + " UNION ALL"
            + " SELECT queue, status, COUNT(*) AS n, NULL AS oldest FROM <prefix>jobs"
            + " WHERE " + d.waiting() + ownerClause + " GROUP BY queue, status"
            + " UNION ALL"
            + " SELECT queue, status, COUNT(*) AS n, NULL AS oldest FROM <prefix>jobs"
            + " WHERE " + d.in(LEASED) + ownerClause + " GROUP BY queue, status";
    DepthCounter counter = new DepthCounter();
    db.read(
        h -> {
          Query q = h.createQuery(sql);
          owner.ifPresent(o -> q.bind("owner", o));
          return q.map(
                  (rs, ctx) ->
                      counter.add(
                          rs.getString("queue"),
                          JobStatus.valueOf(rs.getString("status")),
                          rs.getLong("n"),
                          Optional.ofNullable(JobRows.instant(rs, "oldest"))))
              .list();
        });
    return counter.result(now);
  }

  @Override
  public List<JobEvent> events(JobId id) {
    return db.read(
        h -> {
          Optional<ImplicitHistory> implicit =
              h.createQuery("SELECT " + IMPLICIT_COLUMNS + " FROM <prefix>jobs WHERE id = :id AND history_implicit = TRUE")
                  .bind("id", id.value())
                  .map(IMPLICIT)
                  .findOne();
          if (implicit.isPresent()) {
            return implicit.get().events();
          }
          return h.createQuery(
                  "SELECT job_id, at, from_status, to_status, by_principal, detail FROM <prefix>job_events"
                      + " WHERE job_id = :id ORDER BY seq")
              .bind("id", id.value())
              .map(JobRows.EVENT)
              .list();
        });
  }

  // ------------------------------------------------------------------ implicit history

  /*
   * A job created QUEUED starts with an implicit history (history_implicit = TRUE): no job_events
   * rows, its entries derived from the row. Its creation, its first attempt's start and that
   * attempt's success are the only transitions that keep it implicit; the claim and the success
   * statements write no history row for such a job. Every other transition first writes the
   * implied entries to job_events and clears the flag (materializeHistory), in its own transaction,
   * so a reader sees the same history before and after. On the happy path this saves three history
   * rows (and six index entries) per job.
   */

  private static final String IMPLICIT_COLUMNS =
      "id, status, created_at, created_by, started_at, finished_at, node_id";

  /** What an implicit history is derived from. */
  private record ImplicitHistory(
      JobId id, JobStatus status, Instant createdAt, String createdBy,
      @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable String node) {

    List<JobEvent> events() {
      List<JobEvent> out = new ArrayList<>(3);
      out.add(new JobEvent(id, createdAt, Optional.empty(), JobStatus.QUEUED, createdBy, ""));
      if (startedAt != null && (status == JobStatus.RUNNING || status == JobStatus.SUCCEEDED)) {
        out.add(new JobEvent(id, startedAt, Optional.of(JobStatus.QUEUED), JobStatus.RUNNING, "system",
            claimDetail(1, node == null ? "?" : node)));
      }
      if (status == JobStatus.SUCCEEDED && finishedAt != null) {
        out.add(new JobEvent(id, finishedAt, Optional.of(JobStatus.RUNNING), JobStatus.SUCCEEDED, "system", ""));
      }
      return out;
    }
  }

  private static final org.jdbi.v3.core.mapper.RowMapper<ImplicitHistory> IMPLICIT =
      (rs, ctx) -> {
        String by = rs.getString("created_by");
        return new ImplicitHistory(
            JobId.of(rs.getString("id")),
            JobStatus.valueOf(rs.getString("status")),
            JobRows.instant(rs, "created_at"),
            by == null ? "system" : by,
            JobRows.instant(rs, "started_at"),
            JobRows.instant(rs, "finished_at"),
            rs.getString("node_id"));
      };

  /**
   * Writes the entries that the implicit histories among {@code ids} imply to job_events and marks
   * them explicit. Idempotent: the flag is cleared by a conditional update that locks the row, so
   * of two concurrent callers only one writes the entries.
   */
  void materializeHistory(Handle h, java.util.Collection<JobId> ids) {
    if (ids.isEmpty()) {
      return;
    }
    for (List<String> chunk : chunks(ids)) {
      String update =
          "UPDATE <prefix>jobs SET history_implicit = FALSE WHERE id IN (<ids>) AND history_implicit = TRUE";
      String sql =
          db.dialect() instanceof Dialect.Postgres
              ? update + " RETURNING " + IMPLICIT_COLUMNS
              : "SELECT " + IMPLICIT_COLUMNS + " FROM FINAL TABLE (" + update + ")";
      List<ImplicitHistory> rows =
          new ArrayList<>(h.createQuery(sql).bindList("ids", chunk).map(IMPLICIT).list());
      if (rows.isEmpty()) {
        continue;
      }
      rows.sort(Comparator.comparing(ImplicitHistory::id));
      PreparedBatch events = h.prepareBatch(EVENT_INSERT);
      for (ImplicitHistory row : rows) {
        for (JobEvent e : row.events()) {
          bindEvent(events, e.jobId(), e.at(), e.from().orElse(null), e.to(), e.by(), e.detail()).add();
        }
      }
      events.execute();
    }
  }

  /** A job as read, and whether its history is implicit. */
  private record Flagged(Job job, boolean implicitHistory) {}

  private static final org.jdbi.v3.core.mapper.RowMapper<Flagged> FLAGGED =
      (rs, ctx) -> new Flagged(JobRows.JOB.map(rs, ctx), rs.getBoolean("history_implicit"));

  /** The jobs with these ids (any order), each with its history flag. */
  private static List<Flagged> selectFlagged(Handle h, java.util.Collection<JobId> ids) {
    List<Flagged> out = new ArrayList<>();
    for (List<String> chunk : chunks(ids)) {
      out.addAll(
          h.createQuery("SELECT " + COLUMNS + ", history_implicit FROM <prefix>jobs WHERE id IN (<ids>)")
              .bindList("ids", chunk)
              .map(FLAGGED)
              .list());
    }
    return out;
  }

  // ------------------------------------------------------------------ promotion and claims

  /**
   * Promotes the due jobs just selected. On PostgreSQL they are still SCHEDULED (selected {@code
   * FOR UPDATE SKIP LOCKED}), so the update names them by id only, and nothing but the primary key
   * can find them: with {@code status = 'SCHEDULED'} as well, a plan made from statistics that
   * knew of few scheduled jobs read every scheduled job, due or not, for each promotion (see
   * PgPlanTest). H2 keeps the condition ({@link #PROMOTE_H2}): its select locks nothing, and a
   * caller's own transaction ({@code inTransaction}) may have cancelled a job meanwhile.
   */
  static final String PROMOTE = "UPDATE <prefix>jobs SET status = 'QUEUED' WHERE id IN (<ids>)";

  /** {@link #PROMOTE} on H2, whose plan of it uses the primary key (EXPLAIN ANALYZE). */
  static final String PROMOTE_H2 = PROMOTE + " AND status = 'SCHEDULED'";

  @Override
  public List<Job> promoteDue(Instant now, int limit) {
    return db.write(
        h -> {
          List<String> ids =
              h.createQuery(
                      "SELECT id FROM <prefix>jobs WHERE " + db.dialect().in(DUE)
                          + " AND " + db.dialect().timeOf(DUE) + " <= :now"
                          + " ORDER BY " + db.dialect().inTimeOrder(DUE) + " LIMIT :limit"
                          + skipLocked())
                  .bind("now", ts(now))
                  .bind("limit", limit)
                  .mapTo(String.class)
                  .list();
          if (ids.isEmpty()) {
            return List.of();
          }
          if (db.dialect() instanceof Dialect.Postgres) {
            h.createUpdate(PROMOTE).bindList("ids", ids).execute();
          } else {
            // only the jobs the update changed: one may have left SCHEDULED since the select
            ids = h.createQuery("SELECT id FROM FINAL TABLE (" + PROMOTE_H2 + ")")
                .bindList("ids", ids)
                .mapTo(String.class)
                .list();
            if (ids.isEmpty()) {
              return List.of();
            }
          }
          h.createUpdate(
                  "INSERT INTO <prefix>job_events (job_id, at, from_status, to_status, by_principal, detail)"
                      + " SELECT id, :now, 'SCHEDULED', 'QUEUED', 'system', 'due' FROM <prefix>jobs WHERE id IN (<ids>)")
              .bindList("ids", ids)
              .bind("now", ts(now))
              .execute();
          List<Job> promoted =
              h.createQuery("SELECT " + COLUMNS + " FROM <prefix>jobs WHERE id IN (<ids>)")
                  .bindList("ids", ids)
                  .map(JobRows.JOB)
                  .list();
          List<Job> sorted = new ArrayList<>(promoted);
          sorted.sort(Comparator.comparing(Job::scheduledAt).thenComparing(Job::id));
          return sorted;
        });
  }

  @Override
  public List<ClaimedJob> claim(ClaimRequest r) {
    if (db.dialect().singleStatementClaim()) {
      // one statement: in autocommit mode it commits as it answers, no COMMIT round trip
      return db.writeOneStatement(h -> claimInOneStatement(h, r, UUID.randomUUID().toString()));
    }
    return db.write(h -> claimIn(h, r));
  }

  private List<ClaimedJob> claimIn(Handle h, ClaimRequest r) {
    String token = UUID.randomUUID().toString();
    return db.dialect().singleStatementClaim() ? claimInOneStatement(h, r, token) : claimInSteps(h, r, token);
  }

  /** H2: select the ids, update them, read them back, record the history. */
  private List<ClaimedJob> claimInSteps(Handle h, ClaimRequest r, String token) {
          List<String> ids =
              h.createQuery(
                      "SELECT id FROM <prefix>jobs WHERE " + db.dialect().readyIn()
                          + " AND scheduled_at <= :now"
                          + NOT_PAUSED
                          + " ORDER BY " + db.dialect().readyOrder() + " LIMIT :limit"
                          + skipLocked())
                  .bind("queue", r.queue())
                  .bind("now", ts(r.now()))
                  .bind("limit", r.limit())
                  .mapTo(String.class)
                  .list();
          if (ids.isEmpty()) {
            return List.of();
          }
          // the update and the read of the claimed rows in one statement (H2's data change delta table);
          // the ids as one array, so that the statement's text is the same for any number of them
          // (H2 keeps 8 parsed statements per connection; an IN list of each length was parsed
          // and planned again at nearly every claim)
          Query q =
              h.createQuery(
                      "SELECT "
                          + COLUMNS
                          + ", history_implicit FROM FINAL TABLE (UPDATE <prefix>jobs SET status = 'RUNNING', attempts = attempts + 1,"
                          + " started_at = :now, node_id = :node, lease_token = :token, lease_expires_at = "
                          + leaseUntil()
                          + " WHERE id = ANY(:ids) AND status = 'QUEUED')")
                  .bindArray("ids", String.class, ids)
                  .bind("now", ts(r.now()))
                  .bind("node", r.node().value())
                  .bind("token", token);
          bindLease(q, r.now(), r.leaseDuration());
          List<Claimed> claimed =
              new ArrayList<>(
                  q.map((rs, ctx) -> new Claimed(JobRows.JOB.map(rs, ctx), JobRows.instant(rs, "lease_expires_at"),
                          rs.getBoolean("history_implicit")))
                      .list());
          claimed.sort(
              Comparator.comparing((Claimed c) -> -c.job().priority())
                  .thenComparing(c -> c.job().scheduledAt())
                  .thenComparing(c -> c.job().createdAt())
                  .thenComparing(c -> c.job().id()));
          PreparedBatch events = h.prepareBatch(EVENT_INSERT);
          boolean anyEvent = false;
          List<ClaimedJob> out = new ArrayList<>(claimed.size());
          for (Claimed c : claimed) {
            Job j = c.job();
            if (!c.implicitHistory()) { // an implicit history implies its first attempt's start
              bindEvent(events, j.id(), r.now(), JobStatus.QUEUED, JobStatus.RUNNING, "system",
                      claimDetail(j.attempts(), r.node().value()))
                  .add();
              anyEvent = true;
            }
            out.add(new ClaimedJob(j, new Lease(j.id(), r.node(), token, c.leaseExpiresAt())));
          }
          if (anyEvent) {
            events.execute();
          }
          return out;
  }

  /**
   * PostgreSQL: pick, lock, update and record the batch in one statement; the CTE's {@code LIMIT}
   * with {@code SKIP LOCKED} keeps the planner from touching more rows than it claims.
   */
  private List<ClaimedJob> claimInOneStatement(Handle h, ClaimRequest r, String token) {
    String sql =
        "WITH picked AS ("
            + " SELECT id FROM <prefix>jobs"
            + " WHERE status = 'QUEUED' AND queue = :queue AND scheduled_at <= :now"
            + NOT_PAUSED
            + " ORDER BY priority DESC, scheduled_at, created_at, id LIMIT :limit FOR UPDATE SKIP LOCKED),"
            + " claimed AS ("
            + " UPDATE <prefix>jobs j SET status = 'RUNNING', attempts = j.attempts + 1, started_at = :now,"
            + " node_id = :node, lease_token = :token, lease_expires_at = "
            + leaseUntil()
            + " FROM picked WHERE j.id = picked.id RETURNING j.*),"
            + " ev AS ("
            + " INSERT INTO <prefix>job_events (job_id, at, from_status, to_status, by_principal, detail)"
            + " SELECT id, :now, 'QUEUED', 'RUNNING', 'system', CONCAT('attempt ', attempts, ' on ', node_id)"
            + " FROM claimed WHERE NOT history_implicit)"
            + " SELECT "
            + COLUMNS
            + " FROM claimed ORDER BY priority DESC, scheduled_at, created_at, id";
    return h.createQuery(sql)
                .bind("queue", r.queue())
                .bind("now", ts(r.now()))
                .bind("limit", r.limit())
                .bind("node", r.node().value())
                .bind("token", token)
                .bind("leaseMs", r.leaseDuration().toMillis())
                .bind("leaseUntil", ts(r.now().plus(r.leaseDuration())))
                .map(
                    (rs, ctx) ->
                        new ClaimedJob(
                            JobRows.JOB.map(rs, ctx),
                            new Lease(
                                JobId.of(rs.getString("id")),
                                r.node(),
                                token,
                                JobRows.instant(rs, "lease_expires_at"))))
                .list();
  }

  /** A claimed row and its lease's end as the database computed it. */
  private record Claimed(Job job, Instant leaseExpiresAt, boolean implicitHistory) {}

  /** The detail of the history entry of an attempt's start. */
  private static String claimDetail(int attempt, String node) {
    return "attempt " + attempt + " on " + node;
  }

  // ------------------------------------------------------------------ attempts

  /**
   * Ends attempts: concurrent calls from many workers share one transaction (group commit), and
   * each returns only once its own outcome is committed. The lease token keeps every write of the
   * batch conditional, exactly as if it ran alone.
   */
  @Override
  public Optional<Job> complete(Lease lease, Outcome outcome, Instant now) {
    return completions.submit(new Completion(lease, outcome, now));
  }

  @Override
  public List<Optional<Job>> completeAll(List<Completion> completions) {
    // one transaction (one commit) for the whole batch, in statements of at most MAX_GROUP jobs
    if (oneStatementAck(completions)) {
      return db.writeOneStatement(h -> completeChunksIn(h, completions));
    }
    return db.write(h -> completeChunksIn(h, completions));
  }

  /**
   * Whether an ack batch is one statement, which then runs in autocommit mode (it commits as it
   * answers, no {@code COMMIT} round trip): on PostgreSQL, successes only (one, or one group of at
   * most {@link #MAX_GROUP}: {@link #SUCCEED_ALL_PG}, or {@link #completeIn}'s update with its
   * history row; a success signals nothing and writes no history of its own).
   */
  private boolean oneStatementAck(List<Completion> completions) {
    if (!(db.dialect() instanceof Dialect.Postgres) || completions.isEmpty() || completions.size() > MAX_GROUP) {
      return false;
    }
    for (Completion c : completions) {
      if (!(c.outcome() instanceof Outcome.Succeeded)) {
        return false;
      }
    }
    return true;
  }

  private List<Optional<Job>> completeChunksIn(Handle h, List<Completion> completions) {
    List<Optional<Job>> out = new ArrayList<>(completions.size());
    for (int i = 0; i < completions.size(); i += MAX_GROUP) {
      out.addAll(completeBatchIn(h, completions.subList(i, Math.min(completions.size(), i + MAX_GROUP))));
    }
    return out;
  }

  @Override
  public boolean[] completeAllApplied(List<Completion> completions) {
    // as completeAll, but the successes' rows are not read back
    HandleCallback<boolean[], RuntimeException> work =
        h -> {
          boolean[] out = new boolean[completions.size()];
          for (int i = 0; i < completions.size(); i += MAX_GROUP) {
            List<Completion> batch = completions.subList(i, Math.min(completions.size(), i + MAX_GROUP));
            List<Completion> successes =
                batch.stream().filter(c -> c.outcome() instanceof Outcome.Succeeded).toList();
            Set<Completion> applied =
                successes.size() > 1
                    ? (db.dialect() instanceof Dialect.Postgres ? succeedAllApplied(h, successes) : succeedAllAppliedH2(h, successes))
                    : null;
            for (int k = 0; k < batch.size(); k++) {
              Completion c = batch.get(k);
              out[i + k] =
                  applied != null && c.outcome() instanceof Outcome.Succeeded
                      ? applied.contains(c)
                      : completeIn(h, c.lease(), c.outcome(), c.now()).isPresent();
            }
          }
          return out;
        };
    return oneStatementAck(completions) ? db.writeOneStatement(work) : db.write(work);
  }

  private List<Optional<Job>> completeBatch(List<Completion> batch) {
    return db.write(h -> completeBatchIn(h, batch));
  }

  private List<Optional<Job>> completeBatchIn(Handle h, List<Completion> batch) {
          Map<Completion, Optional<Job>> done = new HashMap<>();
          List<Completion> successes =
              batch.stream().filter(c -> c.outcome() instanceof Outcome.Succeeded).toList();
          if (successes.size() > 1) {
            done.putAll(db.dialect() instanceof Dialect.Postgres ? succeedAll(h, successes) : succeedAllH2(h, successes));
          }
          List<Optional<Job>> out = new ArrayList<>(batch.size());
          for (Completion c : batch) {
            Optional<Job> r = done.get(c);
            out.add(r != null ? r : completeIn(h, c.lease(), c.outcome(), c.now()));
          }
          return out;
  }

  /**
   * H2: many successes as three batched statements (the conditional updates, one read back, the
   * history rows) instead of three statements per job; each update is still conditional on its
   * lease token.
   */
  private Map<Completion, Optional<Job>> succeedAllH2(Handle h, List<Completion> successes) {
    int[] counts = succeedUpdatesH2(h, successes);
    List<JobId> applied = new ArrayList<>();
    Map<JobId, Completion> byJob = new HashMap<>();
    for (int i = 0; i < successes.size(); i++) {
      if (counts[i] == 1) {
        Completion c = successes.get(i);
        applied.add(c.lease().jobId());
        byJob.put(c.lease().jobId(), c);
      }
    }
    Map<String, Job> byId = new HashMap<>();
    if (!applied.isEmpty()) {
      Set<JobId> explicit = new HashSet<>();
      for (Flagged f : selectFlagged(h, applied)) {
        byId.put(f.job().id().value(), f.job());
        if (!f.implicitHistory()) {
          explicit.add(f.job().id());
        }
      }
      if (!explicit.isEmpty()) { // an implicit history implies the success of its first attempt
        PreparedBatch events = h.prepareBatch(EVENT_INSERT);
        for (JobId id : applied) {
          if (explicit.contains(id)) {
            bindEvent(events, id, byJob.get(id).now(), JobStatus.RUNNING, JobStatus.SUCCEEDED, "system", "").add();
          }
        }
        events.execute();
      }
    }
    Map<Completion, Optional<Job>> out = new HashMap<>();
    for (Completion c : successes) {
      out.put(c, Optional.ofNullable(byId.get(c.lease().jobId().value())));
    }
    return out;
  }

  /** H2: the successes' conditional updates as one batch; the rows each changed (1 or 0). */
  private static int[] succeedUpdatesH2(Handle h, List<Completion> successes) {
    PreparedBatch update =
        h.prepareBatch(
            "UPDATE <prefix>jobs SET status = 'SUCCEEDED', result = :result, error_type = NULL,"
                + " error_message = NULL, error_stack = NULL, finished_at = :now,"
                + " lease_token = NULL, lease_expires_at = NULL"
                + " WHERE id = :id AND status = 'RUNNING' AND lease_token = :token");
    for (Completion c : successes) {
      update
          .bind("result", json(((Outcome.Succeeded) c.outcome()).result()))
          .bind("now", ts(c.now()))
          .bind("id", c.lease().jobId().value())
          .bind("token", c.lease().token())
          .add();
    }
    return update.execute();
  }

  /** {@link #succeedAllH2} without reading the jobs back: the updates, then the history rows the jobs need. */
  private Set<Completion> succeedAllAppliedH2(Handle h, List<Completion> successes) {
    int[] counts = succeedUpdatesH2(h, successes);
    Set<Completion> applied = new HashSet<>();
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < successes.size(); i++) {
      if (counts[i] == 1) {
        applied.add(successes.get(i));
        ids.add(successes.get(i).lease().jobId());
      }
    }
    if (!ids.isEmpty()) {
      // an implicit history implies the success of its first attempt; the ids as one array (one
      // statement text for any batch, see claimInSteps)
      h.createUpdate(
              "INSERT INTO <prefix>job_events (job_id, at, from_status, to_status, by_principal, detail)"
                  + " SELECT id, finished_at, 'RUNNING', 'SUCCEEDED', 'system', '' FROM <prefix>jobs"
                  + " WHERE id = ANY(:ids) AND NOT history_implicit")
          .bindArray("ids", String.class, ids.stream().map(JobId::value).toList())
          .execute();
    }
    return applied;
  }

  /**
   * PostgreSQL: many successes in one statement (arrays unnested), each still conditional on its
   * lease token, with their history rows.
   *
   * <p>Each job is found by its primary key, whatever the statistics say (see PgPlanTest). Left
   * to a join, the planner may scan every job (when it believes the table small) or a partial
   * index over every RUNNING job (when it believes few run: a young or bursty table) and match
   * each against each input row. An ack then costs O(jobs x batch), acks fall behind, and more
   * jobs stay RUNNING. So the ids also come as {@code id = ANY(...)} for the primary key, and the
   * expected status with each input row, from a materialised CTE the planner cannot fold into a
   * constant that the partial indexes would match. And it is planned at each execution
   * ({@link Db#PLANNED_EACH_TIME}).
   */
  static final String SUCCEED_ALL_PG =
      "WITH input AS MATERIALIZED (SELECT t.*, CAST('RUNNING' AS varchar) AS running FROM"
          + " unnest(CAST(:ids AS varchar[]), CAST(:tokens AS varchar[]),"
          + " CAST(:results AS text[]), CAST(:times AS text[])) AS t(id, token, result, at)),"
          + " done AS (UPDATE <prefix>jobs j SET status = 'SUCCEEDED', result = input.result,"
          + " error_type = NULL, error_message = NULL, error_stack = NULL,"
          + " finished_at = CAST(input.at AS timestamptz), lease_token = NULL,"
          + " lease_expires_at = NULL FROM input"
          + " WHERE j.id = ANY(CAST(:ids AS varchar[])) AND j.id = input.id AND j.status = input.running"
          + " AND j.lease_token = input.token"
          + " RETURNING j.*),"
          + " ev AS (INSERT INTO <prefix>job_events (job_id, at, from_status, to_status, by_principal, detail)"
          + " SELECT id, finished_at, 'RUNNING', 'SUCCEEDED', 'system', '' FROM done WHERE NOT history_implicit)"
          + " SELECT " + COLUMNS + " FROM done";

  /** {@link #SUCCEED_ALL_PG} returning only which leases held, not the jobs. */
  static final String SUCCEED_ALL_APPLIED_PG =
      SUCCEED_ALL_PG
          .replace(" RETURNING j.*),", " RETURNING j.id, j.finished_at, j.history_implicit, input.token),")
          .replace(" SELECT " + COLUMNS + " FROM done", " SELECT id, token FROM done");

  private Set<Completion> succeedAllApplied(Handle h, List<Completion> successes) {
    Set<String> held = new HashSet<>();
    pgSucceedQuery(h, SUCCEED_ALL_APPLIED_PG, successes)
        .map((rs, ctx) -> rs.getString(1) + ' ' + rs.getString(2))
        .forEach(held::add);
    Set<Completion> applied = new HashSet<>();
    for (Completion c : successes) {
      if (held.contains(c.lease().jobId().value() + ' ' + c.lease().token())) {
        applied.add(c);
      }
    }
    return applied;
  }

  private static Query pgSucceedQuery(Handle h, String sql, List<Completion> successes) {
    List<String> ids = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    List<String> results = new ArrayList<>();
    List<String> times = new ArrayList<>();
    for (Completion c : successes) {
      ids.add(c.lease().jobId().value());
      tokens.add(c.lease().token());
      results.add(json(((Outcome.Succeeded) c.outcome()).result()));
      times.add(ts(c.now()).toString());
    }
    return h.createQuery(sql)
        .addCustomizer(Db.PLANNED_EACH_TIME)
        .bindArray("ids", String.class, ids)
        .bindArray("tokens", String.class, tokens)
        .bindArray("results", String.class, results)
        .bindArray("times", String.class, times);
  }

  private Map<Completion, Optional<Job>> succeedAll(Handle h, List<Completion> successes) {
    Map<String, Job> byId = new HashMap<>();
    pgSucceedQuery(h, SUCCEED_ALL_PG, successes)
        .map(JobRows.JOB)
        .forEach(j -> byId.put(j.id().value(), j));
    Map<Completion, Optional<Job>> out = new HashMap<>();
    for (Completion c : successes) {
      out.put(c, Optional.ofNullable(byId.get(c.lease().jobId().value())));
    }
    return out;
  }

  private Optional<Job> completeIn(Handle h, Lease lease, Outcome outcome, Instant now) {
          StringBuilder set = new StringBuilder("status = :to, lease_token = NULL, lease_expires_at = NULL");
          Map<String, Object> binds = new HashMap<>();
          String detail = "";
          if (!(outcome instanceof Outcome.Succeeded)) {
            // only a first attempt's success keeps a history implicit; the node stays for it
            materializeHistory(h, List.of(lease.jobId()));
            set.append(", node_id = NULL");
          }
          if (outcome instanceof Outcome.Succeeded ok) {
            set.append(", result = :result, error_type = NULL, error_message = NULL, error_stack = NULL, finished_at = :now");
            binds.put("result", json(ok.result()));
          } else if (outcome instanceof Outcome.Failed f) {
            set.append(", finished_at = :now");
            setError(set, binds, f.error());
            detail = f.error().type() + ": " + f.error().message();
          } else if (outcome instanceof Outcome.RetryLater retry) {
            set.append(", scheduled_at = :runAt");
            binds.put("runAt", ts(retry.runAt()));
            setError(set, binds, retry.error());
            detail = retry.error().type() + ": " + retry.error().message() + "; retry at " + retry.runAt();
          } else if (outcome instanceof Outcome.Cancelled c) {
            set.append(", finished_at = :now");
            detail = c.detail();
          } else {
            Outcome.Released released = (Outcome.Released) outcome;
            // a job given back while a cancel is pending is cancelled, not queued again
            set.setLength(0);
            set.append(
                "status = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'QUEUED' END,"
                    + " finished_at = CASE WHEN cancel_requested THEN CAST(:now AS TIMESTAMP WITH TIME ZONE) ELSE NULL END,"
                    + " node_id = NULL, lease_token = NULL, lease_expires_at = NULL,"
                    + " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END");
            detail = released.detail();
          }
          Optional<Job> after;
          if (db.dialect() instanceof Dialect.Postgres) {
            // one round trip: the conditional update and its history row together
            Query q =
                h.createQuery(
                        "WITH done AS (UPDATE <prefix>jobs SET "
                            + set
                            + " WHERE id = :id AND status = 'RUNNING' AND lease_token = :token RETURNING "
                            + COLUMNS
                            + ", history_implicit), ev AS (INSERT INTO <prefix>job_events"
                            + " (job_id, at, from_status, to_status, by_principal, detail)"
                            + " SELECT id, :now, 'RUNNING', status, 'system', :detail FROM done"
                            + " WHERE NOT history_implicit)"
                            + " SELECT * FROM done")
                    .bind("id", lease.jobId().value())
                    .bind("token", lease.token())
                    .bind("to", outcome.status().name())
                    .bind("now", ts(now))
                    .bind("detail", JobRows.truncate(detail, MAX_DETAIL));
            binds.forEach(q::bind);
            after = q.map(JobRows.JOB).findOne();
          } else {
            Update u =
                h.createUpdate(
                        "UPDATE <prefix>jobs SET " + set + " WHERE id = :id AND status = 'RUNNING' AND lease_token = :token")
                    .bind("id", lease.jobId().value())
                    .bind("token", lease.token())
                    .bind("to", outcome.status().name())
                    .bind("now", ts(now));
            binds.forEach(u::bind);
            if (u.execute() != 1) {
              return Optional.<Job>empty();
            }
            Flagged row = selectFlagged(h, List.of(lease.jobId())).get(0);
            after = Optional.of(row.job());
            if (!row.implicitHistory()) { // an implicit history implies a first attempt's success
              insertEvent(h, lease.jobId(), now, JobStatus.RUNNING, row.job().status(), "system", detail);
            }
          }
          if (after.isPresent() && after.get().status() == JobStatus.QUEUED) {
            signals.work(h, after.get().queue());
          }
          return after;
  }

  private static void setError(StringBuilder set, Map<String, Object> binds, JobError e) {
    set.append(", error_type = :errType, error_message = :errMsg, error_stack = :errStack");
    binds.put("errType", JobRows.truncate(e.type(), 512));
    binds.put("errMsg", JobRows.text(e.message()));
    binds.put("errStack", JobRows.text(e.stack()));
  }

  @Override
  public LeaseCheck extendLeases(NodeId node, Set<JobId> jobs, Instant now, Duration duration) {
    if (jobs.isEmpty()) {
      return new LeaseCheck(Set.of(), Set.of());
    }
    return db.write(
        h -> {
          Set<JobId> held = new HashSet<>();
          Set<JobId> cancel = new HashSet<>();
          RowMapper<JobId> check =
              (rs, ctx) -> {
                JobId id = JobId.of(rs.getString(1));
                held.add(id);
                if (rs.getBoolean(2)) {
                  cancel.add(id);
                }
                return id;
              };
          if (db.dialect() instanceof Dialect.Postgres) {
            Query q =
                h.createQuery(extendLeasesPg(leaseUntil()))
                    .addCustomizer(Db.PLANNED_EACH_TIME)
                    .bindArray("ids", String.class, jobs.stream().map(JobId::value).toList())
                    .bind("node", node.value());
            bindLease(q, now, duration);
            q.map(check).list();
            return new LeaseCheck(held, cancel);
          }
          for (List<String> chunk : chunks(jobs)) {
            Update u =
                h.createUpdate(
                        "UPDATE <prefix>jobs SET lease_expires_at = "
                            + leaseUntil()
                            + " WHERE id IN (SELECT id FROM <prefix>jobs WHERE id IN (<ids>)"
                            + " AND status = 'RUNNING' AND node_id = :node)")
                    .bindList("ids", chunk)
                    .bind("node", node.value());
            bindLease(u, now, duration);
            u.execute();
            h.createQuery(
                    "SELECT id, cancel_requested FROM <prefix>jobs"
                        + " WHERE id IN (<ids>) AND status = 'RUNNING' AND node_id = :node")
                .bindList("ids", chunk)
                .bind("node", node.value())
                .map(check)
                .list();
          }
          return new LeaseCheck(held, cancel);
        });
  }

  /**
   * PostgreSQL's heartbeat, one statement: it extends the leases of this node's running jobs among
   * {@code :ids} and reads which of them still run here and which are asked to stop (the final
   * select sees the rows as they were before the update, so a row that an outcome write holds
   * still counts as held: it is about to leave RUNNING, and is never waited for).
   *
   * <p>Each job is found by its primary key, as in {@link #SUCCEED_ALL_PG}: with the ids as a
   * list and the status a constant, a plan on statistics that knew of few running jobs read every
   * running job through a partial index at each heartbeat ({@code jobs_leases}: 18 - 43 ms with
   * 860 running, in W4; {@code jobs_waiting} in PgPlanTest), O(running) where this is O(batch).
   * Planned at each execution (see PgPlanTest).
   */
  static String extendLeasesPg(String leaseUntil) {
    String mine =
        " FROM <prefix>jobs j, input WHERE j.id = ANY(CAST(:ids AS varchar[])) AND j.status = input.running"
            + " AND j.node_id = :node";
    return "WITH input AS MATERIALIZED (SELECT CAST('RUNNING' AS varchar) AS running),"
        + " locked AS (SELECT j.id" + mine + " FOR UPDATE OF j SKIP LOCKED),"
        + " extended AS (UPDATE <prefix>jobs SET lease_expires_at = " + leaseUntil
        + " WHERE id IN (SELECT id FROM locked) RETURNING id)"
        + " SELECT j.id, j.cancel_requested" + mine;
  }

  @Override
  public List<Job> reclaimExpired(Instant now, int limit) {
    return db.write(
        h -> {
          List<Job> expired =
              h.createQuery(
                      "SELECT "
                          + COLUMNS
                          + " FROM <prefix>jobs WHERE " + db.dialect().in(LEASED)
                          + " AND " + db.dialect().timeOf(LEASED) + " < " + leaseNow()
                          + " ORDER BY " + db.dialect().inTimeOrder(LEASED) + " LIMIT :limit"
                          + skipLocked())
                  .bind("now", ts(now))
                  .bind("limit", limit)
                  .map(JobRows.JOB)
                  .list();
          List<Job> out = new ArrayList<>();
          Set<String> queues = new LinkedHashSet<>();
          materializeHistory(h, expired.stream().map(Job::id).toList());
          for (Job j : expired) {
            String detail = "lease of " + j.node().map(NodeId::value).orElse("?") + " expired";
            JobStatus to;
            StringBuilder set = new StringBuilder("status = :to, node_id = NULL, lease_token = NULL, lease_expires_at = NULL");
            Map<String, Object> binds = new HashMap<>();
            if (j.cancelRequested()) {
              to = JobStatus.CANCELLED;
              set.append(", finished_at = :now");
            } else if (j.attempts() >= j.maxAttempts()) {
              to = JobStatus.FAILED;
              set.append(", finished_at = :now");
              setError(set, binds, JobError.of(JobError.LEASE_EXPIRED, detail + " on the last attempt"));
            } else {
              to = JobStatus.QUEUED;
              set.append(", scheduled_at = :now");
              queues.add(j.queue());
            }
            Update u =
                h.createUpdate(
                        "UPDATE <prefix>jobs SET " + set + " WHERE id = :id AND status = 'RUNNING' AND "
                            + "lease_expires_at < " + leaseNow())
                    .bind("id", j.id().value())
                    .bind("to", to.name())
                    .bind("now", ts(now));
            binds.forEach(u::bind);
            if (u.execute() == 1) {
              insertEvent(h, j.id(), now, JobStatus.RUNNING, to, "system", detail);
              out.add(findIn(h, j.id(), "").orElseThrow());
            }
          }
          queues.forEach(q -> signals.work(h, q));
          return out;
        });
  }

  // ------------------------------------------------------------------ cancel and retry

  @Override
  public Optional<Job> requestCancel(JobId id, Instant now, String by) {
    return db.write(
        h -> {
          Optional<Job> current = findIn(h, id, lock);
          if (current.isEmpty()) {
            return Optional.<Job>empty();
          }
          Job j = current.get();
          if (j.status() == JobStatus.RUNNING) {
            if (!j.cancelRequested()) {
              materializeHistory(h, List.of(id));
              h.createUpdate(
                      "UPDATE <prefix>jobs SET cancel_requested = TRUE WHERE id = :id AND status = 'RUNNING'")
                  .bind("id", id.value())
                  .execute();
              insertEvent(h, id, now, JobStatus.RUNNING, JobStatus.RUNNING, by, "cancel requested");
              signals.cancel(h, id);
            }
            return findIn(h, id, "");
          }
          JobStatus.check(id, j.status(), JobStatus.CANCELLED);
          materializeHistory(h, List.of(id));
          int n =
              h.createUpdate(
                      "UPDATE <prefix>jobs SET status = 'CANCELLED', finished_at = :now WHERE id = :id AND status = :from")
                  .bind("id", id.value())
                  .bind("now", ts(now))
                  .bind("from", j.status().name())
                  .execute();
          if (n != 1) {
            throw new StoreException("job " + id + " changed during cancel; try again");
          }
          if (j.status() == JobStatus.AWAITING_APPROVAL) {
            JdbcApprovalStore.cancelOf(h, id, by, now);
          }
          insertEvent(h, id, now, j.status(), JobStatus.CANCELLED, by, "");
          return findIn(h, id, "");
        });
  }

  @Override
  public Optional<Job> retry(JobId id, Instant now, String by) {
    return db.write(
        h -> {
          Optional<Job> current = findIn(h, id, lock);
          if (current.isEmpty()) {
            return Optional.<Job>empty();
          }
          Job j = current.get();
          if (j.status() != JobStatus.FAILED && j.status() != JobStatus.CANCELLED) {
            throw new IllegalJobStateException(id, j.status(), JobStatus.QUEUED);
          }
          Optional<dev.docket.ApprovalStatus> approval = JdbcApprovalStore.statusOf(h, id);
          if (approval.isPresent() && approval.get() != dev.docket.ApprovalStatus.APPROVED) {
            throw new IllegalJobStateException(
                id, j.status(), JobStatus.QUEUED, "it was never approved; submit it again for a new approval");
          }
          int n =
              h.createUpdate(
                      "UPDATE <prefix>jobs SET status = 'QUEUED', attempts = 0, result = NULL, error_type = NULL,"
                          + " error_message = NULL, error_stack = NULL, cancel_requested = FALSE, started_at = NULL,"
                          + " finished_at = NULL, scheduled_at = :now WHERE id = :id AND status = :from")
                  .bind("id", id.value())
                  .bind("now", ts(now))
                  .bind("from", j.status().name())
                  .execute();
          if (n != 1) {
            throw new StoreException("job " + id + " changed during retry; try again");
          }
          insertEvent(h, id, now, j.status(), JobStatus.QUEUED, by, "retry");
          trimHistory(h, id);
          signals.work(h, j.queue());
          return findIn(h, id, "");
        });
  }

  // ------------------------------------------------------------------ events

  private static final String EVENT_INSERT =
      "INSERT INTO <prefix>job_events (job_id, at, from_status, to_status, by_principal, detail)"
          + " VALUES (:job, :at, :from, :to, :by, :detail)";

  private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindEvent(
      S s, JobId id, Instant at, @Nullable JobStatus from, JobStatus to, String by, String detail) {
    return s.bind("job", id.value())
        .bind("at", ts(at))
        .bind("from", from == null ? null : from.name())
        .bind("to", to.name())
        .bind("by", JobRows.truncate(by, 128))
        .bind("detail", JobRows.truncate(detail, MAX_DETAIL));
  }

  /** Keeps the first history entry and the newest {@code MAX_HISTORY - 1}. */
  private static void trimHistory(Handle h, JobId id) {
    java.util.Optional<Long> keepFrom =
        h.createQuery(
                "SELECT seq FROM <prefix>job_events WHERE job_id = :id ORDER BY seq DESC LIMIT 1 OFFSET :skip")
            .bind("id", id.value())
            .bind("skip", MAX_HISTORY - 2)
            .mapTo(Long.class)
            .findOne();
    if (keepFrom.isEmpty()) {
      return;
    }
    h.createUpdate(
            "DELETE FROM <prefix>job_events WHERE job_id = :id AND seq < :keepFrom AND seq >"
                + " (SELECT MIN(seq) FROM <prefix>job_events WHERE job_id = :id)")
        .bind("id", id.value())
        .bind("keepFrom", keepFrom.get())
        .execute();
  }

  static void insertEvent(
      Handle h, JobId id, Instant at, @Nullable JobStatus from, JobStatus to, String by, String detail) {
    bindEvent(h.createUpdate(EVENT_INSERT), id, at, from, to, by, detail).execute();
  }
}
