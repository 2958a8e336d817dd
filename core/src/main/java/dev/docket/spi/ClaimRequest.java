package dev.docket.spi;

import dev.docket.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Claim up to {@code limit} due jobs of one queue, highest priority first, then earliest due.
 *
 * @param node the claiming node
 * @param queue the queue
 * @param limit at most this many, ≥ 1
 * @param now the engine's current time (a store may use its own clock instead)
 * @param leaseDuration how long the leases last unless extended
 */
public record ClaimRequest(NodeId node, String queue, int limit, Instant now, Duration leaseDuration) {
  public ClaimRequest {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
  }
}
