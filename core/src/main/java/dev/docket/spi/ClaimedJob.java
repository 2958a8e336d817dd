package dev.docket.spi;

import dev.docket.Job;
import java.util.Objects;

/**
 * A job a claim moved to {@code RUNNING}, with its lease.
 *
 * @param job the job, with its attempt counted
 * @param lease the lease every write of this attempt must present
 */
public record ClaimedJob(Job job, Lease lease) {
  public ClaimedJob {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(lease, "lease");
  }
}
