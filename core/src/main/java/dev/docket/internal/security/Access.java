package dev.docket.internal.security;

import dev.docket.AccessDeniedException;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.Principal;
import dev.docket.Role;
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
}
