package dev.docket.spi;

import dev.docket.NodeId;
import java.time.Instant;
import java.util.Objects;

/**
 * A registered engine.
 *
 * @param id the node
 * @param startedAt when it started
 * @param lastHeartbeatAt when it last reported
 * @param busy workers running a job at that time
 * @param total workers in all its queues
 * @param workers its workers per queue (empty when not known)
 */
public record NodeInfo(
    NodeId id, Instant startedAt, Instant lastHeartbeatAt, int busy, int total, java.util.Map<String, Integer> workers) {
  public NodeInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(lastHeartbeatAt, "lastHeartbeatAt");
    workers = java.util.Map.copyOf(workers);
  }

  /** A node whose workers per queue are not known. */
  public NodeInfo(NodeId id, Instant startedAt, Instant lastHeartbeatAt, int busy, int total) {
    this(id, startedAt, lastHeartbeatAt, busy, total, java.util.Map.of());
  }
}
