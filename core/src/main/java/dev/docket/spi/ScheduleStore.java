package dev.docket.spi;

import dev.docket.Cursor;
import dev.docket.Page;
import dev.docket.ScheduledTask;
import dev.docket.TaskId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Scheduled tasks and their fires. {@link #fireDue} is the exactly-once step: a due fire time is
 * claimed by advancing the task's next fire time in the same transaction that enqueues its job, so
 * with any number of nodes each fire time enqueues one job. Thread-safe.
 */
public interface ScheduleStore {

  ScheduledTask insert(NewTask task);

  /**
   * Changes a task atomically: {@code change} gets the current task and returns the new one, of
   * which the store writes the caller-owned fields (name, schedule, zone, action, args, enabled,
   * misfire policy, updated time) and the next fire time; the last-run fields stay the store's.
   * An exception thrown by {@code change} aborts the update with nothing written.
   *
   * @return the task after the change; empty when it does not exist
   */
  Optional<ScheduledTask> update(TaskId id, UnaryOperator<ScheduledTask> change);

  /** Deletes a task; returns whether it existed. */
  boolean delete(TaskId id);

  Optional<ScheduledTask> find(TaskId id);

  /** Tasks of one owner (or all), newest first (creation time, then id), after the cursor. */
  Page<ScheduledTask> list(Optional<String> owner, Optional<Cursor> after, int limit);

  /**
   * Fires up to {@code limit} enabled tasks whose next fire time is at or before {@code now},
   * earliest first, each exactly once: for each, {@code planner} (quick, pure) says which job to
   * enqueue and the next fire time; the store inserts the job (idempotently, by its id) and
   * advances the task atomically. Tasks another node is firing at the same moment are skipped.
   *
   * @return the fires carried out
   */
  List<Fired> fireDue(Instant now, int limit, Function<ScheduledTask, FirePlan> planner);

  /** The earliest next fire time among enabled tasks. */
  Optional<Instant> nextDue();
}
