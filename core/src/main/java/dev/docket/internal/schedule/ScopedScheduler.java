package dev.docket.internal.schedule;

import dev.docket.Cursor;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.ScheduledTask;
import dev.docket.Scheduler;
import dev.docket.TaskId;
import dev.docket.TaskSpec;
import dev.docket.TaskUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@link Scheduler} of one principal: argument checks, then the service. */
public final class ScopedScheduler implements Scheduler {

  private final ScheduleService service;
  private final Principal principal;
  private final Runnable changed;

  public ScopedScheduler(ScheduleService service, Principal principal, Runnable changed) {
    this.service = service;
    this.principal = principal;
    this.changed = changed;
  }

  @Override
  public ScheduledTask create(TaskSpec spec) {
    ScheduledTask t = service.create(principal, Objects.requireNonNull(spec, "spec"));
    changed.run();
    return t;
  }

  @Override
  public ScheduledTask update(TaskId id, TaskUpdate update) {
    ScheduledTask t =
        service.update(principal, Objects.requireNonNull(id, "id"), Objects.requireNonNull(update, "update"));
    changed.run();
    return t;
  }

  @Override
  public void delete(TaskId id) {
    service.delete(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public ScheduledTask get(TaskId id) {
    return service.get(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Optional<ScheduledTask> find(TaskId id) {
    return service.find(principal, Objects.requireNonNull(id, "id"));
  }

  @Override
  public Page<ScheduledTask> list(Optional<Cursor> cursor, int limit) {
    return service.list(principal, Objects.requireNonNull(cursor, "cursor"), limit);
  }

  @Override
  public List<Instant> nextFireTimes(TaskId id, int count) {
    return service.nextFireTimes(principal, Objects.requireNonNull(id, "id"), count);
  }
}
