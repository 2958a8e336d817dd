package dev.docket;

/**
 * No scheduled task with this id exists, or the caller may not see it (indistinguishable on
 * purpose).
 */
public final class TaskNotFoundException extends DocketException {

  private final TaskId taskId;

  public TaskNotFoundException(TaskId taskId) {
    super("scheduled task " + taskId + " not found");
    this.taskId = taskId;
  }

  public TaskId taskId() {
    return taskId;
  }
}
