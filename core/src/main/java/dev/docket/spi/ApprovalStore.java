package dev.docket.spi;

import dev.docket.ApprovalId;
import dev.docket.ApprovalRequest;
import dev.docket.Cursor;
import dev.docket.Decision;
import dev.docket.JobId;
import dev.docket.Page;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Approval requests. A request is created with its job ({@link JobStore#insertAll} of a {@link
 * NewJob} with an approval) and closed with it in one atomic step: a decision, an expiry, or the
 * job's cancel ({@link JobStore#requestCancel}). Each close is conditional on the request being
 * pending, so of any number of racing decisions exactly one wins. Thread-safe.
 */
public interface ApprovalStore {

  Optional<ApprovalRequest> find(ApprovalId id);

  /** The requests of these jobs (jobs without one are absent), in no particular order. */
  List<ApprovalRequest> findByJobs(Collection<JobId> jobs);

  /** Pending requests that match, oldest first (creation time, then id), after the cursor. */
  Page<ApprovalRequest> pending(PendingQuery query, Optional<Cursor> after, int limit);

  /**
   * Closes a pending request with an approval or a rejection and moves its job: approved, from
   * {@code AWAITING_APPROVAL} to {@code QUEUED} (or {@code SCHEDULED} while its run time is still
   * ahead); rejected, to {@code REJECTED}. The job's history gets the decision, by the decider.
   *
   * @return the request and job after the change; empty when the request does not exist
   * @throws dev.docket.ApprovalConflictException when the request is not pending, or its expiry is
   *     at or before the decision's time (then {@code current()} is {@code EXPIRED}, even before
   *     the sweeper has closed it); nothing written
   */
  Optional<Decided> decide(ApprovalId id, Decision decision);

  /**
   * Expires up to {@code limit} pending requests whose expiry is at or before {@code now}: each
   * request and its job become {@code EXPIRED}.
   */
  List<Decided> expireDue(Instant now, int limit);
}
