package dev.docket.internal.engine;

import dev.docket.DocketListener;
import dev.docket.JobHandler;
import dev.docket.NodeId;
import dev.docket.RetryPolicy;
import dev.docket.SelfApproval;
import dev.docket.internal.action.Actions;
import org.jspecify.annotations.Nullable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything an engine is configured with, validated by the builder. Immutable.
 *
 * @param workers threads per queue; empty for a producer-only engine
 * @param prefetch claimed jobs buffered per queue beyond its busy workers; -1 means an adaptive
 *     buffer of at most the store's {@link dev.docket.spi.Store#prefetchPerWorker() hint} times the
 *     queue's workers
 * @param checkFunctions whether submit rejects functions with no registered handler
 * @param selfApproval whether requesters may decide their own approval requests
 * @param actions the scheduled-task actions (a thread-safe registry that may grow at run time)
 * @param scheduleQueue the queue fired jobs go to
 * @param metricsWindow the default window of a metrics snapshot
 * @param retention purge finished jobs older than this automatically; never when null
 */
public record EngineSettings(
    NodeId nodeId,
    Clock clock,
    Map<String, Integer> workers,
    int prefetch,
    Map<String, JobHandler> handlers,
    List<DocketListener> listeners,
    RetryPolicy retryPolicy,
    int defaultMaxAttempts,
    Duration shutdownGrace,
    Duration cancelGrace,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration pollInterval,
    int maxArgsBytes,
    boolean checkFunctions,
    SelfApproval selfApproval,
    Actions actions,
    String scheduleQueue,
    Duration metricsWindow,
    @Nullable Duration retention) {

  public EngineSettings {
    workers = Map.copyOf(workers);
    handlers = Map.copyOf(handlers);
    listeners = List.copyOf(listeners);
  }
}
