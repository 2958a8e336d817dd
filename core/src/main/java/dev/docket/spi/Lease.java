package dev.docket.spi;

import dev.docket.JobId;
import dev.docket.NodeId;
import java.time.Instant;
import java.util.Objects;

/**
 * The right to run one attempt of a job. Every write of that attempt must present the token; a
 * write with a stale token (the lease was taken over) changes nothing.
 *
 * @param jobId the job
 * @param node the node holding it
 * @param token unique per claim
 * @param expiresAt when it lapses unless extended (by the store's clock)
 */
public record Lease(JobId jobId, NodeId node, String token, Instant expiresAt) {
  public Lease {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
