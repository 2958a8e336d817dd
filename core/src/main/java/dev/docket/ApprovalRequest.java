package dev.docket;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of a request for a human's approval, created with the job that needs it.
 *
 * @param id the request's own id
 * @param jobId the job waiting for it
 * @param function the job's handler name, shown to approvers
 * @param args the job's arguments, shown to approvers; do not modify
 * @param reason why approval is asked
 * @param requestedBy the principal that submitted the job
 * @param approvers principals that may decide besides the approver role
 * @param createdAt when it was requested
 * @param expiresAt when it expires unless decided
 * @param status where it stands
 * @param decision who closed it, when and why; empty while pending
 */
public record ApprovalRequest(
    ApprovalId id,
    JobId jobId,
    String function,
    JsonNode args,
    String reason,
    String requestedBy,
    Set<String> approvers,
    Instant createdAt,
    Optional<Instant> expiresAt,
    ApprovalStatus status,
    Optional<Decision> decision) {

  public ApprovalRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(requestedBy, "requestedBy");
    approvers = Set.copyOf(approvers);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(decision, "decision");
    if (status.isClosed() != decision.isPresent()) {
      throw new IllegalArgumentException("a closed request has a decision, a pending one none");
    }
  }

  public boolean isPending() {
    return status == ApprovalStatus.PENDING;
  }

  /** The deciding principal, once closed. */
  public Optional<String> decidedBy() {
    return decision.map(Decision::by);
  }

  /** When it was closed. */
  public Optional<Instant> decidedAt() {
    return decision.map(Decision::at);
  }

  /** The approver's note or the rejection reason, once closed (possibly empty text). */
  public Optional<String> decisionNote() {
    return decision.map(Decision::note);
  }
}
