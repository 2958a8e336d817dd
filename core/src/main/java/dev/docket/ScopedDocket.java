package dev.docket;

/**
 * The engine's APIs as one caller sees them: obtained from {@link Docket#as(Principal)}. Cheap to
 * create; thread-safe.
 */
public interface ScopedDocket {

  /** The caller. */
  Principal principal();

  /** The job queue, scoped to the caller. */
  JobQueue jobs();

  /** The approval gate, scoped to the caller. */
  HitlGate hitl();

  /** The scheduled tasks, scoped to the caller. */
  Scheduler scheduler();

  /**
   * Queue administration and metrics; every call needs the {@link Role#ADMIN} role ({@link
   * AccessDeniedException} otherwise).
   */
  QueueAdmin admin();
}
