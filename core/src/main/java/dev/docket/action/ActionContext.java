package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.JobContext;
import dev.docket.TaskId;
import java.time.Instant;

/**
 * What an {@link Action} knows about the fire it performs. Valid only during {@link
 * Action#run(ActionContext)}; safe to use from threads the action starts while it waits for them.
 */
public interface ActionContext {

  /** The task that fired. */
  TaskId taskId();

  /** The fire time this run stands for (a whole minute, UTC), not the time it actually started. */
  Instant fireTime();

  /** The task's arguments, already validated; do not modify the tree. */
  JsonNode args();

  /**
   * The arguments bound to a type (a record, say).
   *
   * @throws dev.docket.InvalidRequestException naming {@code args} when they do not fit the type
   */
  <T> T args(Class<T> type);

  /** The principal id of the task's owner. */
  String owner();

  /**
   * The job running this fire: attempt number, cancellation checks ({@link
   * JobContext#checkCancelled()}), progress and the engine's clock ({@link JobContext#clock()}).
   */
  JobContext job();
}
