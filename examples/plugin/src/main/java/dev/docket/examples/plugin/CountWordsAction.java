package dev.docket.examples.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.InvalidRequestException;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * The {@value #NAME} action: counts the words, characters and lines of a text, harmlessly. Its
 * arguments are {@code {"text": "..."}}, a non-blank string of at most {@value #MAX_TEXT_BYTES}
 * UTF-8 bytes and nothing else; its result is {@code {"task_id", "fire_time", "words",
 * "characters", "lines"}}. Stateless and thread-safe.
 */
public final class CountWordsAction implements Action {

  /** The action's name. */
  public static final String NAME = "count_words";

  /** Longest {@code text}, in UTF-8 bytes. */
  public static final int MAX_TEXT_BYTES = 65_536;

  /** A new instance; all instances behave the same. */
  public CountWordsAction() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(JsonNode args) {
    text(args);
  }

  @Override
  public Object run(ActionContext ctx) {
    String text = text(ctx.args());
    ctx.job().checkCancelled();
    String trimmed = text.strip();
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("task_id", ctx.taskId().value());
    result.put("fire_time", ctx.fireTime().toString());
    result.put("words", trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length);
    result.put("characters", text.codePointCount(0, text.length()));
    result.put("lines", Math.toIntExact(text.lines().count()));
    return result;
  }

  private static String text(JsonNode args) {
    if (!args.isObject()) {
      throw new InvalidRequestException("args", "must be a JSON object with a text field");
    }
    for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("text")) {
        throw new InvalidRequestException("args." + field, "is not a field of count_words args; allowed: text");
      }
    }
    JsonNode text = args.get("text");
    if (text == null) {
      throw new InvalidRequestException("args.text", "is required by count_words");
    }
    if (!text.isTextual()) {
      throw new InvalidRequestException("args.text", "must be a string");
    }
    if (text.textValue().isBlank()) {
      throw new InvalidRequestException("args.text", "must not be blank");
    }
    int bytes = text.textValue().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_TEXT_BYTES) {
      throw new InvalidRequestException(
          "args.text", "is " + bytes + " bytes long in UTF-8; at most " + MAX_TEXT_BYTES + " are allowed");
    }
    return text.textValue();
  }
}
