package dev.docket.spi;

import dev.docket.JobId;

/**
 * What a store tells an engine that subscribed with {@link Store#subscribe(StoreSignals)}: news
 * from other nodes sharing the store (PostgreSQL {@code LISTEN/NOTIFY}, say). Signals are hints,
 * delivered at most once and possibly late; the engine's polling stays the fallback. Called on the
 * store's own thread: implementations return quickly.
 */
public interface StoreSignals {

  /** New or newly due work may be waiting in {@code queue} ({@code *}: in any queue). */
  void workAvailable(String queue);

  /** A cancel was requested for a job that may run on this node. */
  void cancelRequested(JobId jobId);
}
