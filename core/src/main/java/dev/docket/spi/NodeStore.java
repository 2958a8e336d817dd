package dev.docket.spi;

import dev.docket.NodeId;
import java.time.Instant;
import java.util.List;

/** The registry of engines sharing a store. Thread-safe. */
public interface NodeStore {

  /** Registers a node or refreshes its entry. */
  void register(NodeInfo node);

  /** Records a heartbeat with the node's current load; re-registers a node that was removed. */
  void heartbeat(NodeId node, Instant now, int busy, int total);

  /** All registered nodes, ordered by id. */
  List<NodeInfo> list();

  /** Removes a node (on graceful close). Unknown ids are ignored. */
  void remove(NodeId node);
}
