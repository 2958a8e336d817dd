package dev.docket;

import java.util.UUID;

/**
 * The id of one running Docket engine (a node); unique among the nodes that share a store.
 *
 * @param value the id text, 1 to 128 characters of {@code [A-Za-z0-9._:-]}
 */
public record NodeId(String value) {

  public NodeId {
    Checks.id("nodeId", value);
  }

  public static NodeId of(String value) {
    return new NodeId(value);
  }

  /** A fresh id made of a readable prefix and a random suffix. */
  public static NodeId random() {
    return new NodeId("node-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @Override
  public String toString() {
    return value;
  }
}
