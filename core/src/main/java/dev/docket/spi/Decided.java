package dev.docket.spi;

import dev.docket.ApprovalRequest;
import dev.docket.Job;
import java.util.Objects;

/**
 * A request closed and its job moved, in one atomic step.
 *
 * @param request the request after the change
 * @param job the job after the change
 */
public record Decided(ApprovalRequest request, Job job) {

  public Decided {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(job, "job");
  }
}
