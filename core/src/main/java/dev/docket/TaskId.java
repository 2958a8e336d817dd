package dev.docket;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The id of a scheduled task: 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._:-]},
 * generated as {@code tsk_} followed by 24 lowercase hex digits.
 *
 * <p>The bound is shorter than a job id's 128 characters because each fire of a task runs as a job
 * whose id is the task id followed by {@code :} and the fire minute (17 characters), and that must
 * still be a valid {@link JobId}. Immutable and thread-safe.
 *
 * @param value the id text
 */
public record TaskId(String value) implements Comparable<TaskId> {

  /** Longest task id: 128 minus the 18 characters a fire appends to make its job id. */
  public static final int MAX_LENGTH = 110;

  private static final SecureRandom RANDOM = new SecureRandom();

  public TaskId {
    Checks.id("taskId", value);
    if (value.length() > MAX_LENGTH) {
      throw new InvalidRequestException(
          "taskId",
          "'"
              + Checks.abbreviate(value)
              + "' is "
              + value.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
  }

  /** Parses an id; throws {@link InvalidRequestException} naming {@code taskId} when malformed. */
  public static TaskId of(String value) {
    return new TaskId(value);
  }

  /** A fresh random id such as {@code tsk_3f9c0a1b2d4e5f60718293a4}. */
  public static TaskId random() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return new TaskId("tsk_" + HexFormat.of().formatHex(bytes));
  }

  @Override
  public int compareTo(TaskId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
