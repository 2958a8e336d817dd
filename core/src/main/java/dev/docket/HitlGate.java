package dev.docket;

import java.util.Optional;

/**
 * The human-in-the-loop gate: approval requests of jobs submitted with {@link
 * JobRequest.Builder#approval(ApprovalSpec)}, and their decisions. Obtained from {@link
 * Docket#hitl()} (trusted host code) or {@link Docket#as(Principal)} (one caller).
 *
 * <p>A caller may decide a request when it has the {@link Role#APPROVER} or {@link Role#ADMIN}
 * role or is one of its named {@link ApprovalRequest#approvers()}, and is not its requester (unless
 * the engine allows self-approval). A caller may see a request it may decide and its own requests;
 * others are reported as not found. Every decision is recorded on the request and in the job's
 * history, and reaches the engine's listeners. Thread-safe.
 */
public interface HitlGate {

  /**
   * The first page of pending requests this caller may decide, oldest first.
   *
   * @throws InvalidRequestException naming {@code limit} outside 1..500
   */
  default Page<ApprovalRequest> pending(int limit) {
    return pending(Optional.empty(), limit);
  }

  /** The page of pending requests after {@code cursor}. */
  default Page<ApprovalRequest> pending(Cursor cursor, int limit) {
    return pending(Optional.of(cursor), limit);
  }

  /** A page of pending requests this caller may decide, oldest first. */
  Page<ApprovalRequest> pending(Optional<Cursor> cursor, int limit);

  /**
   * The request with this id.
   *
   * @throws ApprovalNotFoundException when it does not exist or the caller may not see it
   */
  ApprovalRequest get(ApprovalId id);

  /** The request with this id, if it exists and the caller may see it. */
  Optional<ApprovalRequest> find(ApprovalId id);

  /** The approval request of a job, if it has one and the caller may see it. */
  Optional<ApprovalRequest> forJob(JobId jobId);

  /**
   * The approval requests of several jobs at once (one store read), keyed by job id; jobs without
   * a request, or whose request the caller may not see, are absent.
   */
  java.util.Map<JobId, ApprovalRequest> forJobs(java.util.Collection<JobId> jobIds);

  /** Approves without a note. */
  default ApprovalRequest approve(ApprovalId id) {
    return approve(id, "");
  }

  /**
   * Approves: the job goes to the queue (or waits for its run time, when that is later).
   *
   * @param note the approver's note, possibly empty; at most {@value Decision#MAX_NOTE} characters
   * @return the decided request
   * @throws ApprovalNotFoundException when it does not exist or the caller may not see it
   * @throws AccessDeniedException when the caller may see but not decide it (its own request)
   * @throws ApprovalConflictException when it was already decided, expired or cancelled
   */
  ApprovalRequest approve(ApprovalId id, String note);

  /**
   * Rejects: the job ends {@link JobStatus#REJECTED}.
   *
   * @param reason why, shown to the requester; 1 to {@value Decision#MAX_NOTE} characters
   * @return the decided request
   * @throws InvalidRequestException naming {@code reason} when it is blank or too long
   * @throws ApprovalNotFoundException when it does not exist or the caller may not see it
   * @throws AccessDeniedException when the caller may see but not decide it
   * @throws ApprovalConflictException when it was already decided, expired or cancelled
   */
  ApprovalRequest reject(ApprovalId id, String reason);
}
