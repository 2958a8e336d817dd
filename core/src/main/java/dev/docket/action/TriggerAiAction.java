package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.action.ArgsCheck.Blank;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The built-in {@value #NAME} action: engages an AI in a room with a prompt through the host's
 * {@link AiTrigger}.
 *
 * <p>Arguments, strictly (no other fields): {@code {"room_id": "room-42", "prompt": "Summarise
 * this week's notes"}}, both non-blank strings; {@code room_id} of at most {@value
 * SendMessageAction#MAX_ROOM_ID_BYTES} and {@code prompt} of at most {@value #MAX_PROMPT_BYTES}
 * UTF-8 bytes. The job's result is whatever the trigger returns.
 *
 * <p>Thread-safe when its trigger is.
 */
public final class TriggerAiAction implements Action {

  /** The action's name. */
  public static final String NAME = "trigger_ai";

  /** Longest {@code prompt}, in UTF-8 bytes: 16 KiB. */
  public static final int MAX_PROMPT_BYTES = 16_384;

  private static final List<String> FIELDS = List.of("room_id", "prompt");

  private final AiTrigger trigger;

  private TriggerAiAction(AiTrigger trigger) {
    this.trigger = Objects.requireNonNull(trigger, "trigger");
  }

  /** The action calling {@code trigger}. */
  public static TriggerAiAction of(AiTrigger trigger) {
    return new TriggerAiAction(trigger);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(JsonNode args) {
    parse(args);
  }

  @Override
  public @Nullable Object run(ActionContext ctx) throws Exception {
    Prompt p = parse(ctx.args());
    ctx.job().checkCancelled();
    return trigger.trigger(p.roomId(), p.prompt());
  }

  private record Prompt(String roomId, String prompt) {}

  private static Prompt parse(JsonNode node) {
    Objects.requireNonNull(node, "args");
    ObjectNode args = ArgsCheck.object(NAME, "args", node, FIELDS);
    String roomId = ArgsCheck.roomId(NAME, args);
    String prompt =
        ArgsCheck.requiredString(
            NAME, args, "args", "prompt", Blank.REJECTED, MAX_PROMPT_BYTES, false);
    return new Prompt(roomId, prompt);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
