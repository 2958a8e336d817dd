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
 */
public record NodeInfo(NodeId id, Instant startedAt, Instant lastHeartbeatAt, int busy, int total) {
  public NodeInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(lastHeartbeatAt, "lastHeartbeatAt");
  }
}
