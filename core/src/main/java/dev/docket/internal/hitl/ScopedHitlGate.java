package dev.docket.internal.hitl;

import dev.docket.ApprovalId;
import dev.docket.ApprovalRequest;
import dev.docket.Cursor;
import dev.docket.HitlGate;
import dev.docket.JobId;
import dev.docket.Page;
import dev.docket.Principal;
import java.util.Objects;
import java.util.Optional;

/** The {@link HitlGate} of one principal: argument checks, then the service. */
public final class ScopedHitlGate implements HitlGate {

  private final ApprovalService service;
  private final Principal principal;

  public ScopedHitlGate(ApprovalService service, Principal principal) {
    this.service = service;
    this.principal = principal;
  }

  @Override
  public Page<ApprovalRequest> pending(Optional<Cursor> cursor, int limit) {
    return service.pending(principal, Objects.requireNonNull(cursor, "cursor"), limit);
  }

  @Override
  public ApprovalRequest get(ApprovalId id) {
    return service.get(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Optional<ApprovalRequest> find(ApprovalId id) {
    return service.find(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Optional<ApprovalRequest> forJob(JobId jobId) {
    return service.forJob(principal, Objects.requireNonNull(jobId, "jobId"));
  }

  @Override
  public java.util.Map<JobId, ApprovalRequest> forJobs(java.util.Collection<JobId> jobIds) {
    return service.forJobs(principal, Objects.requireNonNull(jobIds, "jobIds"));
  }

  @Override
  public ApprovalRequest approve(ApprovalId id, String note) {
    return service.approve(principal, Objects.requireNonNull(id, "id"), note);
  }

  @Override
  public ApprovalRequest reject(ApprovalId id, String reason) {
    return service.reject(principal, Objects.requireNonNull(id, "id"), reason);
  }
}
