package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/** Strict checks of action arguments, naming each field by its path ({@code args.content.body}). */
final class ArgsCheck {

  /** Whether a string may be empty or all whitespace. */
  enum Blank {
    ALLOWED,
    REJECTED
  }

  private ArgsCheck() {}

  /**
   * The node as an object with only the allowed fields.
   *
   * @param path {@code args} or the path of a nested object
   */
  static ObjectNode object(String action, String path, JsonNode node, List<String> allowed) {
    if (!node.isObject()) {
      throw new InvalidRequestException(
          path, "must be a JSON object, not " + kind(node) + " (" + action + " arguments)");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new InvalidRequestException(
            path + "." + abbreviate(name),
            "is not a field of "
                + action
                + " "
                + path
                + "; allowed: "
                + String.join(", ", allowed));
      }
    }
    return (ObjectNode) node;
  }

  /** A required nested object with only the allowed fields. */
  static ObjectNode requiredObject(
      String action, ObjectNode parent, String path, String name, List<String> allowed) {
    return object(action, path + "." + name, required(action, parent, path, name), allowed);
  }

  /**
   * A required string field.
   *
   * @param maxBytes the longest value allowed, in UTF-8 bytes
   * @param idLike whether control characters are rejected too (ids and names)
   */
  static String requiredString(
      String action,
      ObjectNode parent,
      String path,
      String name,
      Blank blank,
      int maxBytes,
      boolean idLike) {
    String field = path + "." + name;
    JsonNode node = required(action, parent, path, name);
    if (!node.isTextual()) {
      throw new InvalidRequestException(field, "must be a string, not " + kind(node));
    }
    String value = node.textValue();
    if (blank == Blank.REJECTED && value.isBlank()) {
      throw new InvalidRequestException(field, "must not be blank");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxBytes) {
      throw new InvalidRequestException(
          field, "is " + bytes + " bytes long in UTF-8; at most " + maxBytes + " are allowed");
    }
    if (idLike && value.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidRequestException(field, "must not contain control characters");
    }
    return value;
  }

  /** The {@code room_id} every built-in takes: a non-blank id of at most 255 UTF-8 bytes. */
  static String roomId(String action, ObjectNode args) {
    return requiredString(
        action, args, "args", "room_id", Blank.REJECTED, SendMessageAction.MAX_ROOM_ID_BYTES, true);
  }

  private static JsonNode required(String action, ObjectNode parent, String path, String name) {
    JsonNode node = parent.get(name);
    if (node == null) {
      throw new InvalidRequestException(path + "." + name, "is required by " + action);
    }
    return node;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL, MISSING -> "null";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case BINARY, POJO -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  static String abbreviate(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
