package dev.docket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.action.Action;
import java.util.Optional;
import java.util.Set;

/**
 * The actions scheduled tasks may run, by name: the built-ins ({@code send_message}, {@code
 * trigger_ai}, {@code run_query}) once the host supplies their ports, actions registered in code
 * and actions found with {@link java.util.ServiceLoader} in plugin jars ({@link
 * dev.docket.action.ActionProvider}).
 *
 * <p>Thread-safe: actions may be registered while the engine runs, and lookups see them at once.
 * An action is never replaced or removed once registered.
 */
public interface ActionRegistry {

  /** What an action name must look like: lowercase, starting with a letter, as {@code send_message}. */
  String NAME_RULE = "[a-z][a-z0-9_.-]{0,63}";

  /**
   * Adds an action under its {@link Action#name()}.
   *
   * @throws InvalidRequestException naming {@code action} when the name breaks {@link #NAME_RULE}
   *     or is already registered
   */
  void register(Action action);

  /** The action of that name, or empty. */
  Optional<Action> find(String name);

  /**
   * The action of that name.
   *
   * @throws UnknownActionException when none is registered
   */
  Action get(String name);

  /** The registered names, sorted; a snapshot that does not change. */
  Set<String> names();

  /**
   * Checks that an action exists and accepts the arguments, as a task create or update does before
   * it stores anything.
   *
   * @throws UnknownActionException when no action of that name is registered
   * @throws InvalidRequestException naming the offending field as {@code args.<path>} (or {@code
   *     args} itself) when the action rejects the arguments
   */
  void validate(String name, JsonNode args);
}
