package dev.docket.internal.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.ActionRegistry;
import dev.docket.DocketException;
import dev.docket.InvalidRequestException;
import dev.docket.UnknownActionException;
import dev.docket.action.Action;
import dev.docket.action.ActionProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link ActionRegistry}: a concurrent map from name to action, filled in code and by
 * {@link #loadProviders(ClassLoader)}. Thread-safe; an action is never replaced or removed.
 */
public final class Actions implements ActionRegistry {

  private static final Logger log = LoggerFactory.getLogger(Actions.class);

  private static final Pattern NAME = Pattern.compile(NAME_RULE);

  /** Give up on a broken service configuration after this many errors in a row. */
  private static final int MAX_LOAD_ERRORS = 100;

  private final ConcurrentMap<String, Action> actions = new ConcurrentHashMap<>();

  /** An empty registry. */
  public Actions() {}

  /** A registry holding the actions of every {@link ActionProvider} {@code loader} can see. */
  public static Actions discover(ClassLoader loader) {
    Actions a = new Actions();
    a.loadProviders(loader);
    return a;
  }

  /**
   * Registers the actions of every {@link ActionProvider} found with {@link ServiceLoader} through
   * {@code loader}. A provider that cannot be loaded or throws is logged and skipped, and so is an
   * action with a malformed or taken name; nothing here is fatal.
   *
   * @return the names registered by this call, in the order they were found
   */
  public List<String> loadProviders(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader");
    List<String> added = new ArrayList<>();
    Iterator<ActionProvider> it = ServiceLoader.load(ActionProvider.class, loader).iterator();
    int errors = 0;
    while (errors < MAX_LOAD_ERRORS) {
      ActionProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        errors++;
        log.warn("skipping an action provider that cannot be loaded: {}", e.toString());
        continue;
      }
      errors = 0;
      added.addAll(register(provider));
    }
    if (errors >= MAX_LOAD_ERRORS) {
      log.warn("stopped looking for action providers after {} errors in a row", errors);
    }
    log.info("action providers added {}; registered actions: {}", added, names());
    return List.copyOf(added);
  }

  private List<String> register(ActionProvider provider) {
    String type = provider.getClass().getName();
    List<Action> offered;
    try {
      offered = List.copyOf(provider.actions());
    } catch (RuntimeException | LinkageError e) {
      log.warn("skipping action provider {}: actions() threw {}", type, e.toString());
      return List.of();
    }
    List<String> added = new ArrayList<>();
    for (Action action : offered) {
      try {
        register(action);
        added.add(action.name());
      } catch (RuntimeException | LinkageError e) {
        log.warn("skipping an action of provider {}: {}", type, e.getMessage());
      }
    }
    log.info("action provider {} contributed {}", type, added);
    return added;
  }

  @Override
  public void register(Action action) {
    Objects.requireNonNull(action, "action");
    String name = action.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "action",
          "name '"
              + abbreviate(String.valueOf(name))
              + "' of "
              + action.getClass().getName()
              + " must match "
              + NAME_RULE
              + ", as send_message");
    }
    Action existing = actions.putIfAbsent(name, action);
    if (existing != null) {
      throw new InvalidRequestException(
          "action",
          "'"
              + name
              + "' is already registered (by "
              + existing.getClass().getName()
              + "); action names must be unique");
    }
    log.debug("registered action {} ({})", name, action.getClass().getName());
  }

  @Override
  public Optional<Action> find(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(actions.get(name));
  }

  @Override
  public Action get(String name) {
    Objects.requireNonNull(name, "name");
    Action action = actions.get(name);
    if (action == null) {
      throw new UnknownActionException(name, actions.keySet());
    }
    return action;
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(actions.keySet()));
  }

  @Override
  public void validate(String name, JsonNode args) {
    Objects.requireNonNull(args, "args");
    check(get(name), args);
  }

  /**
   * Runs an action's own validation, turning a plugin's stray exception (a bug, usually) into an
   * error naming {@code args} instead of letting it surface as an internal failure.
   */
  static void check(Action action, JsonNode args) {
    try {
      action.validate(args);
    } catch (DocketException e) {
      throw e;
    } catch (RuntimeException e) {
      InvalidRequestException wrapped =
          new InvalidRequestException(
              "args", "action " + action.name() + " rejected its arguments: " + e);
      wrapped.initCause(e);
      throw wrapped;
    }
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }

  @Override
  public String toString() {
    return "Actions" + names();
  }
}
