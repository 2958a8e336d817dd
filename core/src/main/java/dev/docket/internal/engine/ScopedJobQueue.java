package dev.docket.internal.engine;

import dev.docket.Cursor;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobQueue;
import dev.docket.JobRequest;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.QueueDepth;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The {@link JobQueue} of one principal: argument checks, then the engine. */
public final class ScopedJobQueue implements JobQueue {

  private final Engine engine;
  private final Principal principal;

  public ScopedJobQueue(Engine engine, Principal principal) {
    this.engine = engine;
    this.principal = principal;
  }

  @Override
  public Job submit(JobRequest request) {
    Objects.requireNonNull(request, "request");
    return engine.submit(principal, request);
  }

  @Override
  public dev.docket.Submission submitIfAbsent(JobRequest request) {
    Objects.requireNonNull(request, "request");
    return engine.submitIfAbsent(principal, request);
  }

  @Override
  public List<Job> submitAll(List<JobRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    requests.forEach(r -> Objects.requireNonNull(r, "requests[i]"));
    return engine.submitAll(principal, requests);
  }

  @Override
  public Job get(JobId id) {
    return engine.get(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Optional<Job> find(JobId id) {
    return engine.find(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Job cancel(JobId id) {
    return engine.cancel(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Job retry(JobId id) {
    return engine.retry(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Page<Job> list(JobFilter filter, Optional<Cursor> cursor, int limit) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(cursor, "cursor");
    return engine.list(principal, filter, cursor, limit);
  }

  @Override
  public Map<String, QueueDepth> depth() {
    return engine.depth(principal);
  }

  @Override
  public QueueDepth depth(String queue) {
    Objects.requireNonNull(queue, "queue");
    return engine.depth(principal).getOrDefault(queue, QueueDepth.empty(queue));
  }

  @Override
  public List<JobEvent> events(JobId id) {
    return engine.events(principal, Objects.requireNonNull(id, "id"));
  }
}
