package dev.docket;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A registered node as the admin sees it.
 *
 * @param id the node's id
 * @param startedAt when it registered
 * @param lastHeartbeatAt its last heartbeat
 * @param busy workers running a job at the last heartbeat
 * @param total its workers
 * @param workers its workers per queue
 */
public record NodeStatus(
    NodeId id, Instant startedAt, Instant lastHeartbeatAt, int busy, int total, Map<String, Integer> workers) {

  public NodeStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(lastHeartbeatAt, "lastHeartbeatAt");
    workers = Map.copyOf(workers);
  }
}
