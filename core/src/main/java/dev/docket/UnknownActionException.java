package dev.docket;

import java.util.Collection;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A scheduled task names an action that is not registered: thrown when a task is created or
 * updated (nothing is stored) and by the job of a fire whose action has gone since (that fire
 * fails; the scheduler goes on). {@link #field()} is {@code action}.
 */
public final class UnknownActionException extends InvalidRequestException {

  private final String action;

  /**
   * @param action the name that was asked for
   * @param registered the names that are registered, listed in the message
   */
  public UnknownActionException(String action, Collection<String> registered) {
    super("action", message(action, registered));
    this.action = action;
  }

  private static String message(String action, Collection<String> registered) {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(registered, "registered");
    String known = registered.isEmpty() ? "none" : String.join(", ", new TreeSet<>(registered));
    return "'" + Checks.abbreviate(action) + "' is not a registered action; registered: " + known;
  }

  /** The unknown action name. */
  public String action() {
    return action;
  }
}
