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

  /**
   * As {@link #fireDue}, and the new jobs of {@code hold.queue()} (at most {@code hold.limit()},
   * in the order of the fires, never a job whose id existed) are stored already claimed by {@code
   * hold.node()}, for a node that runs them at their fire time without a claim then: {@code
   * RUNNING}, first attempt, started at {@code hold.now()} (as a claim then would store them; they
   * still wait for their due time, {@link NewJob#scheduledAt()}), leased from {@code hold.now()}
   * for {@code hold.leaseDuration()} (by the store's lease clock), and with the history such a
   * claim gives them. {@link Fired#job()} reports each job as
   * created ({@code QUEUED}); {@link FireResult#held()} has the claimed ones with their leases.
   * The default holds nothing, which is always safe: the jobs then wait for a claim.
   */
  default FireResult fireDueAndHold(
      Instant now, int limit, Function<ScheduledTask, FirePlan> planner, ClaimRequest hold) {
    return new FireResult(fireDue(now, limit, planner), List.of());
  }

  /** What {@link #fireDueAndHold} carried out, and the jobs it stored claimed. */
  record FireResult(List<Fired> fired, List<ClaimedJob> held) {
    public FireResult {
      fired = List.copyOf(fired);
      held = List.copyOf(held);
    }
  }

  /** The earliest next fire time among enabled tasks. */
  Optional<Instant> nextDue();
}
