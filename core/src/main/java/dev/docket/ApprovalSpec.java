package dev.docket;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a job needs before it may run: a human's approval. Given to {@link
 * JobRequest.Builder#approval(ApprovalSpec)}; such a job waits in {@link
 * JobStatus#AWAITING_APPROVAL} until it is approved, rejected, cancelled or the request expires.
 *
 * <p>Who may decide: any caller with the {@link Role#APPROVER} or {@link Role#ADMIN} role, and the
 * principals named in {@link #approvers()} even without that role. The requester never decides its
 * own request unless the engine allows it ({@link Docket.Builder#selfApproval(SelfApproval)}).
 *
 * <pre>{@code
 * ApprovalSpec.of("sends a message to 4,000 customers").approvers("alice", "bob").expiresIn(Duration.ofHours(4))
 * }</pre>
 *
 * @param reason why approval is asked, shown to the approvers; 1 to {@value #MAX_REASON} characters
 * @param approvers principal ids that may decide besides the approver role; at most {@value
 *     #MAX_APPROVERS}
 * @param expiresIn how long the request waits for a decision; no expiry when empty
 */
public record ApprovalSpec(String reason, Set<String> approvers, Optional<Duration> expiresIn) {

  /** Longest reason accepted. */
  public static final int MAX_REASON = 2_000;
  /** Most named approvers of one request. */
  public static final int MAX_APPROVERS = 100;
  /** Longest expiry accepted. */
  public static final Duration MAX_EXPIRY = Duration.ofDays(366);

  public ApprovalSpec {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new InvalidRequestException("approval.reason", "must not be blank: say why approval is needed");
    }
    if (reason.length() > MAX_REASON) {
      throw new InvalidRequestException(
          "approval.reason", "is " + reason.length() + " characters, more than " + MAX_REASON);
    }
    Objects.requireNonNull(approvers, "approvers");
    if (approvers.size() > MAX_APPROVERS) {
      throw new InvalidRequestException(
          "approval.approvers", "names " + approvers.size() + " principals, more than " + MAX_APPROVERS);
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String a : approvers) {
      sorted.add(Checks.id("approval.approvers", a));
    }
    approvers = Set.copyOf(sorted);
    Objects.requireNonNull(expiresIn, "expiresIn");
    expiresIn.ifPresent(
        d -> {
          if (d.isNegative() || d.isZero() || d.compareTo(MAX_EXPIRY) > 0) {
            throw new InvalidRequestException(
                "approval.expiresIn", "must be > 0 and at most " + MAX_EXPIRY + ", was " + d);
          }
        });
  }

  /** A spec with a reason, deciders by role only and no expiry. */
  public static ApprovalSpec of(String reason) {
    return new ApprovalSpec(reason, Set.of(), Optional.empty());
  }

  /** This spec with these principals allowed to decide as well (replacing any named before). */
  public ApprovalSpec approvers(String... principalIds) {
    Objects.requireNonNull(principalIds, "approvers");
    return new ApprovalSpec(reason, Set.copyOf(new TreeSet<>(Arrays.asList(principalIds))), expiresIn);
  }

  /** This spec with these principals allowed to decide as well (replacing any named before). */
  public ApprovalSpec approvers(Set<String> principalIds) {
    return new ApprovalSpec(reason, principalIds, expiresIn);
  }

  /** This spec with the request expiring {@code expiry} after the submit. */
  public ApprovalSpec expiresIn(Duration expiry) {
    return new ApprovalSpec(reason, approvers, Optional.of(Objects.requireNonNull(expiry, "expiresIn")));
  }
}
