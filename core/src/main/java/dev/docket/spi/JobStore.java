package dev.docket.spi;

import dev.docket.Cursor;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.NodeId;
import dev.docket.Page;
import dev.docket.QueueDepth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Jobs, their leases and their history. Each mutation is one atomic conditional transition that
 * writes the matching {@link JobEvent} in the same step. Thread-safe.
 */
public interface JobStore {

  /**
   * Most history entries kept per job: a {@link #retry} trims a longer history to its first entry
   * and the newest ones, so a job retried forever does not grow without bound.
   */
  int MAX_HISTORY = 500;

  /**
   * Inserts a job, or returns the existing one with the same id (idempotent submit).
   *
   * @throws dev.docket.JobIdConflictException when the id exists with another owner; nothing is
   *     written
   */
  InsertResult insert(NewJob job, String by);

  /**
   * Inserts several jobs atomically: all or, on any error, none. Ids repeated inside the batch or
   * already stored return the existing job.
   *
   * @throws dev.docket.JobIdConflictException when an id exists with another owner
   */
  List<InsertResult> insertAll(List<NewJob> jobs, String by);

  /**
   * Inserts like {@link #insertAll}, then claims like {@link #claim}, in one transaction where the
   * store can (one commit instead of two: the submitting node starts its idle workers on the jobs it
   * just stored without another round trip). The claim follows {@link #claim}'s rules exactly, so
   * it may take older jobs of the queue before the new ones. A store may claim nothing, for
   * instance when the insert joins a caller's transaction whose commit is not the store's: the jobs
   * then wait for the next claim like any other. The default inserts and claims nothing, which is
   * always safe; a store overrides it when it can claim in the same step.
   *
   * @throws dev.docket.JobIdConflictException as {@link #insertAll}; nothing is written or claimed
   */
  default InsertedAndClaimed insertAllAndClaim(List<NewJob> jobs, String by, ClaimRequest claim) {
    return new InsertedAndClaimed(insertAll(jobs, by), List.of());
  }

  /** What {@link #insertAllAndClaim} stored and claimed. */
  record InsertedAndClaimed(List<InsertResult> inserted, List<ClaimedJob> claimed) {}

  Optional<Job> find(JobId id);

  /**
   * Moves up to {@code limit} {@code SCHEDULED} jobs whose due time is at or before {@code now} to
   * {@code QUEUED}, earliest first.
   *
   * @return the promoted jobs
   */
  List<Job> promoteDue(Instant now, int limit);

  /** The earliest due time among {@code SCHEDULED} jobs of these queues. */
  Optional<Instant> nextScheduledAt(Set<String> queues);

  /**
   * Claims up to {@code request.limit()} {@code QUEUED} jobs of the queue whose due time has come,
   * highest priority first, then earliest due, then oldest: each moves to {@code RUNNING} with its
   * attempt counted, {@code startedAt} set, a fresh lease token and the claiming node. A job is
   * claimed by one caller only, however many claim at once. Nothing is claimed from a queue that
   * is paused ({@link AdminStore#setPaused}).
   */
  List<ClaimedJob> claim(ClaimRequest request);

  /**
   * Ends an attempt: applies the outcome if the job is still {@code RUNNING} under this lease's
   * token.
   *
   * @return the job after the change, or empty when the lease no longer holds (taken over,
   *     cancelled for good, or the job is gone); then nothing is written
   */
  Optional<Job> complete(Lease lease, Outcome outcome, Instant now);

  /**
   * Ends several attempts at once, each exactly as {@link #complete} would (conditional on its own
   * lease token). A store may write them in one transaction; the default writes them one by one.
   *
   * @return one result per completion, in order
   */
  default List<Optional<Job>> completeAll(List<Completion> completions) {
    List<Optional<Job>> out = new java.util.ArrayList<>(completions.size());
    for (Completion c : completions) {
      out.add(complete(c.lease(), c.outcome(), c.now()));
    }
    return out;
  }

  /**
   * Ends several attempts exactly as {@link #completeAll} does, for a caller that needs only
   * whether each was applied: a store may then leave out reading the jobs back (the engine does so
   * when nobody listens to job changes). The default asks {@link #completeAll}.
   *
   * @return one flag per completion, in order: {@code true} when its lease held and the outcome
   *     was stored
   */
  default boolean[] completeAllApplied(List<Completion> completions) {
    List<Optional<Job>> jobs = completeAll(completions);
    boolean[] out = new boolean[jobs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = jobs.get(i).isPresent();
    }
    return out;
  }

  /**
   * Extends to {@code now + duration} the leases of {@code jobs} that still run on this node under
   * its lease. Only the attempts the engine holds are named: a restarted node with the same id
   * does not keep its dead predecessor's jobs alive.
   *
   * @return which of these leases the node still holds and which of those have a cancel request
   */
  LeaseCheck extendLeases(NodeId node, Set<JobId> jobs, Instant now, Duration duration);

  /**
   * Takes back up to {@code limit} {@code RUNNING} jobs whose lease expired before {@code now}:
   * back to {@code QUEUED} (the attempt stays counted), or {@code FAILED} with a {@code
   * lease_expired} error when no attempt is left, or {@code CANCELLED} when a cancel was requested.
   *
   * @return the jobs after the change
   */
  List<Job> reclaimExpired(Instant now, int limit);

  /**
   * Cancels a job: a waiting one ({@code SCHEDULED}, {@code QUEUED}, {@code AWAITING_APPROVAL})
   * moves to {@code CANCELLED}; a {@code RUNNING} one gets {@code cancelRequested} (and a history
   * note) and keeps running until its node ends it.
   *
   * @return the job after the change, or empty when it does not exist
   * @throws dev.docket.IllegalJobStateException when the job is finished
   */
  Optional<Job> requestCancel(JobId id, Instant now, String by);

  /**
   * Moves a {@code FAILED} or {@code CANCELLED} job back to {@code QUEUED} with zero attempts, no
   * error and due now, and trims its history to {@link #MAX_HISTORY} entries.
   *
   * @return the job after the change, or empty when it does not exist
   * @throws dev.docket.IllegalJobStateException from any other state
   */
  Optional<Job> retry(JobId id, Instant now, String by);

  /** Jobs that match, newest first (creation time, then id, both descending), after the cursor. */
  Page<Job> list(JobFilter filter, Optional<Cursor> after, int limit);

  /**
   * Unfinished jobs per queue, by state, of one owner or of all; queues without unfinished jobs
   * are absent. {@code oldestQueuedAge} is measured from the oldest {@code QUEUED} job's due time
   * to {@code now}.
   */
  List<QueueDepth> depth(Optional<String> owner, Instant now);

  /** The job's history, oldest first; empty when the job does not exist. */
  List<JobEvent> events(JobId id);
}
