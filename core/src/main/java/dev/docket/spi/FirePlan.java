package dev.docket.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one due fire of a task does, decided by the engine while the store holds the task.
 *
 * @param job the job to enqueue; empty to skip this fire (a misfire under {@code SKIP})
 * @param nextRunAt the task's next fire time afterwards; empty when it never fires again
 */
public record FirePlan(Optional<NewJob> job, Optional<Instant> nextRunAt) {

  public FirePlan {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(nextRunAt, "nextRunAt");
  }
}
