package dev.docket.spi;

import dev.docket.ApprovalId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The approval request stored with a new job that needs one (its job, requester and creation time
 * are the job's).
 *
 * @param id the request's id
 * @param reason why approval is asked
 * @param approvers principals that may decide besides the approver role
 * @param expiresAt when it expires unless decided
 */
public record NewApproval(ApprovalId id, String reason, Set<String> approvers, Optional<Instant> expiresAt) {

  public NewApproval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
    approvers = Set.copyOf(approvers);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
