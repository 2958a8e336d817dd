package dev.docket.internal.security;

import dev.docket.AccessDeniedException;
import dev.docket.ApprovalRequest;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.Principal;
import dev.docket.Role;
import dev.docket.ScheduledTask;
import java.util.Optional;

/**
 * Who may see and do what. Every facade asks here; nothing else decides. Objects a caller may not
 * see are reported as not found by the caller of these checks, never as denied.
 */
public final class Access {

  private Access() {}

  /** Submitting needs the user or the admin role. */
  public static void requireSubmit(Principal p) {
    if (!p.hasRole(Role.USER) && !p.hasRole(Role.ADMIN)) {
      throw new AccessDeniedException(p.id(), "submit jobs", "needs the USER or ADMIN role");
    }
  }

  /** Whether the caller may see (and so act on) a job: its owner, or an admin. */
  public static boolean canSee(Principal p, Job job) {
    return p.isAdmin() || p.id().equals(job.owner());
  }

  /** The filter narrowed to what the caller may see. */
  public static JobFilter scope(Principal p, JobFilter filter) {
    return p.isAdmin() ? filter : filter.owner(p.id());
  }

  /** The owner whose counts the caller may see; empty means everyone's. */
  public static Optional<String> ownerScope(Principal p) {
    return p.isAdmin() ? Optional.empty() : Optional.of(p.id());
  }

  /**
   * Trusted host code: the {@link Principal#SYSTEM} instance itself, never an equal-looking
   * principal built elsewhere (the id {@code system} is reserved: {@code Docket.as} refuses it).
   */
  @SuppressWarnings("ReferenceEquality")
  public static boolean isTrustedHost(Principal p) {
    return p == Principal.SYSTEM;
  }

  /**
   * Whether the caller may decide any request by its roles: the approver role. Admins see every
   * request but decide only with the approver role too (or as a named approver); trusted host code
   * decides all.
   */
  public static boolean decidesAny(Principal p) {
    return p.hasRole(Role.APPROVER) || isTrustedHost(p);
  }

  /** Whether the caller may decide this request by its roles or as a named approver. */
  public static boolean mayDecide(Principal p, ApprovalRequest a) {
    return decidesAny(p) || a.approvers().contains(p.id());
  }

  /** Whether the caller may see a request: its requester, anyone who may decide it, an admin. */
  public static boolean canSee(Principal p, ApprovalRequest a) {
    return mayDecide(p, a) || p.isAdmin() || p.id().equals(a.requestedBy());
  }

  /** Whether the caller may see (and so change) a task: its owner, or an admin. */
  public static boolean canSee(Principal p, ScheduledTask t) {
    return p.isAdmin() || p.id().equals(t.owner());
  }
}
