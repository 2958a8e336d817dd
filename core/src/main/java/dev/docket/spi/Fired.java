package dev.docket.spi;

import dev.docket.Job;
import dev.docket.ScheduledTask;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One fire a store carried out.
 *
 * @param task the task after the fire (next fire time advanced)
 * @param fireTime the fire time this fire was for
 * @param job the job enqueued, empty when the fire was skipped
 * @param inserted whether the job is new (false: a job with its id existed already)
 */
public record Fired(ScheduledTask task, Instant fireTime, Optional<Job> job, boolean inserted) {

  public Fired {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(fireTime, "fireTime");
    Objects.requireNonNull(job, "job");
  }
}
