package dev.docket;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Cron scheduled tasks, as seen by one caller ({@link Docket#scheduler()} for trusted host code,
 * {@link Docket#as(Principal)} for a scoped caller): a caller sees and changes only its own tasks
 * unless it has the {@link Role#ADMIN} role; others' are reported as not found. Each fire enqueues
 * one job running the task's action (function = action name, correlation id = task id, owner =
 * task owner), exactly once however many nodes share the store. Thread-safe.
 */
public interface Scheduler {

  /**
   * Creates a task; it fires from its next fire time after now (unless disabled).
   *
   * @throws UnknownActionException naming {@code action} when no such action is registered
   * @throws InvalidRequestException naming {@code args…} when the action rejects its args; nothing
   *     is stored
   * @throws AccessDeniedException when the caller has neither the user nor the admin role
   */
  ScheduledTask create(TaskSpec spec);

  /**
   * Changes the fields given; see {@link TaskUpdate}.
   *
   * @throws TaskNotFoundException when it does not exist or the caller may not see it
   * @throws InvalidRequestException naming the field, as {@link #create}; nothing is changed
   */
  ScheduledTask update(TaskId id, TaskUpdate update);

  /**
   * Deletes a task; jobs it already enqueued stay.
   *
   * @throws TaskNotFoundException when it does not exist or the caller may not see it
   */
  void delete(TaskId id);

  /**
   * The task with this id.
   *
   * @throws TaskNotFoundException when it does not exist or the caller may not see it
   */
  ScheduledTask get(TaskId id);

  /** The task with this id, if it exists and the caller may see it. */
  Optional<ScheduledTask> find(TaskId id);

  /** The first page of the caller's tasks (all for an admin), newest first. */
  default Page<ScheduledTask> list(int limit) {
    return list(Optional.empty(), limit);
  }

  /** The page after {@code cursor}. */
  default Page<ScheduledTask> list(Cursor cursor, int limit) {
    return list(Optional.of(cursor), limit);
  }

  /**
   * A page of the caller's tasks (all for an admin), newest first.
   *
   * @throws InvalidRequestException naming {@code limit} outside 1..500
   */
  Page<ScheduledTask> list(Optional<Cursor> cursor, int limit);

  /**
   * The task's next {@code count} fire times from now (whether or not it is enabled).
   *
   * @throws TaskNotFoundException when it does not exist or the caller may not see it
   */
  List<Instant> nextFireTimes(TaskId id, int count);
}
