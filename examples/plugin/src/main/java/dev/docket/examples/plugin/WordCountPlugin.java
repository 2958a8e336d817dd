package dev.docket.examples.plugin;

import dev.docket.action.Action;
import dev.docket.action.ActionProvider;
import java.util.List;

/**
 * The plugin's entry point, listed in {@code META-INF/services/dev.docket.action.ActionProvider}:
 * contributes {@link CountWordsAction}. Stateless and thread-safe.
 */
public final class WordCountPlugin implements ActionProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public WordCountPlugin() {}

  @Override
  public List<Action> actions() {
    return List.of(new CountWordsAction());
  }
}
