package dev.docket.internal.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.InvalidRequestException;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import dev.docket.action.ActionProvider;
import java.util.List;
import java.util.Map;

/** Test-only {@link ActionProvider}s, listed in service files that tests write to a temp dir. */
public final class TestActionProviders {

  private TestActionProviders() {}

  /** An action that echoes its {@code word} argument; rejects anything else. */
  public static final class Echo implements Action {
    private final String name;

    public Echo(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void validate(JsonNode args) {
      if (!args.isObject() || !args.path("word").isTextual()) {
        throw new InvalidRequestException("args.word", "must be a string");
      }
    }

    @Override
    public Object run(ActionContext ctx) {
      return Map.of("echo", ctx.args().get("word").asText(), "task", ctx.taskId().value());
    }
  }

  /** Provides {@code echo} and {@code shout}. */
  public static final class Good implements ActionProvider {
    @Override
    public List<Action> actions() {
      return List.of(new Echo("echo"), new Echo("shout"));
    }
  }

  /** Throws from {@link #actions()}. */
  public static final class Throwing implements ActionProvider {
    @Override
    public List<Action> actions() {
      throw new IllegalStateException("plugin misconfigured");
    }
  }

  /** Throws from its constructor. */
  public static final class FailsToConstruct implements ActionProvider {
    public FailsToConstruct() {
      throw new IllegalStateException("cannot start");
    }

    @Override
    public List<Action> actions() {
      return List.of();
    }
  }

  /** Offers a name that is taken ({@code echo}), a malformed name and one good action. */
  public static final class Clashing implements ActionProvider {
    @Override
    public List<Action> actions() {
      return List.of(new Echo("echo"), new Echo("Bad Name"), new Echo("whisper"));
    }
  }
}
