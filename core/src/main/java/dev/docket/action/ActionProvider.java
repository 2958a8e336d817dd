package dev.docket.action;

import java.util.List;

/**
 * The service a plugin jar implements to contribute actions, found with {@link
 * java.util.ServiceLoader}: list the implementing class in {@code
 * META-INF/services/dev.docket.action.ActionProvider}. It needs a public no-argument constructor.
 *
 * <p>A provider that fails to load or throws is logged and skipped; so is an action whose name is
 * malformed or already taken. The engine may call {@link #actions()} from any thread, once per
 * discovery.
 */
public interface ActionProvider {

  /** The actions this plugin contributes; each name must be unique across all plugins. */
  List<Action> actions();
}
