package dev.docket.internal.admin;

import dev.docket.Cursor;
import dev.docket.Job;
import dev.docket.JobStatus;
import dev.docket.MetricsSnapshot;
import dev.docket.NodeStatus;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.QueueAdmin;
import dev.docket.QueueInfo;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The {@link QueueAdmin} of one principal: argument checks, then the service (which checks the role). */
public final class ScopedQueueAdmin implements QueueAdmin {

  private final AdminService service;
  private final Principal principal;

  public ScopedQueueAdmin(AdminService service, Principal principal) {
    this.service = service;
    this.principal = principal;
  }

  @Override
  public QueueInfo pause(String queue) {
    return service.pause(principal, Objects.requireNonNull(queue, "queue"));
  }

  @Override
  public QueueInfo resume(String queue) {
    return service.resume(principal, Objects.requireNonNull(queue, "queue"));
  }

  @Override
  public boolean isPaused(String queue) {
    return service.isPaused(principal, Objects.requireNonNull(queue, "queue"));
  }

  @Override
  public Set<String> pausedQueues() {
    return service.pausedQueues(principal);
  }

  @Override
  public List<QueueInfo> queues() {
    return service.queues(principal);
  }

  @Override
  public List<NodeStatus> nodes() {
    return service.nodes(principal);
  }

  @Override
  public long purge(Duration olderThan, Set<JobStatus> statuses) {
    return service.purge(
        principal, Objects.requireNonNull(olderThan, "olderThan"), Set.copyOf(Objects.requireNonNull(statuses, "statuses")));
  }

  @Override
  public Page<Job> deadLetters(Optional<Cursor> cursor, int limit) {
    return service.deadLetters(principal, Objects.requireNonNull(cursor, "cursor"), limit);
  }

  @Override
  public MetricsSnapshot metrics() {
    return service.metrics(principal);
  }

  @Override
  public MetricsSnapshot metrics(Duration window) {
    return service.metrics(principal, Objects.requireNonNull(window, "window"));
  }
}
