package dev.docket.jdbc.internal;

import static dev.docket.jdbc.internal.JobRows.ts;

import dev.docket.NodeId;
import dev.docket.spi.NodeInfo;
import dev.docket.spi.NodeStore;
import java.time.Instant;
import java.util.List;

/** {@link NodeStore} on H2 or PostgreSQL. */
public final class JdbcNodeStore implements NodeStore {

  private final Db db;

  public JdbcNodeStore(Db db) {
    this.db = db;
  }

  @Override
  public void register(NodeInfo node) {
    db.write(
        h ->
            h.createUpdate(
                    "DELETE FROM <prefix>nodes WHERE node_id = :node")
                .bind("node", node.id().value())
                .execute()
                + h.createUpdate(
                        "INSERT INTO <prefix>nodes (node_id, started_at, last_heartbeat_at, busy, total, workers)"
                            + " VALUES (:node, :startedAt, :now, :busy, :total, :workers)")
                    .bind("workers", workersJson(node.workers()))
                    .bind("node", node.id().value())
                    .bind("startedAt", ts(node.startedAt()))
                    .bind("now", ts(node.lastHeartbeatAt()))
                    .bind("busy", node.busy())
                    .bind("total", node.total())
                    .execute());
  }

  @Override
  public void heartbeat(NodeId node, Instant now, int busy, int total) {
    db.write(
        h ->
            h.createUpdate(db.dialect().upsertNode(db.prefix()))
                .bind("node", node.value())
                .bind("startedAt", ts(now))
                .bind("now", ts(now))
                .bind("busy", busy)
                .bind("total", total)
                .execute());
  }

  @Override
  public List<NodeInfo> list() {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT node_id, started_at, last_heartbeat_at, busy, total, workers FROM <prefix>nodes ORDER BY node_id")
                .map(
                    (rs, ctx) ->
                        new NodeInfo(
                            NodeId.of(rs.getString(1)),
                            JobRows.instant(rs, "started_at"),
                            JobRows.instant(rs, "last_heartbeat_at"),
                            rs.getInt(4),
                            rs.getInt(5),
                            workers(rs.getString(6))))
                .list());
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Integer>> WORKERS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private static String workersJson(java.util.Map<String, Integer> workers) {
    try {
      return JobRows.MAPPER.writeValueAsString(new java.util.TreeMap<>(workers));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new dev.docket.spi.StoreException("cannot serialise workers", e);
    }
  }

  private static java.util.Map<String, Integer> workers(@org.jspecify.annotations.Nullable String json) {
    if (json == null) {
      return java.util.Map.of();
    }
    try {
      return JobRows.MAPPER.readValue(json, WORKERS);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return java.util.Map.of();
    }
  }

  @Override
  public void remove(NodeId node) {
    db.write(h -> h.createUpdate("DELETE FROM <prefix>nodes WHERE node_id = :node").bind("node", node.value()).execute());
  }
}
