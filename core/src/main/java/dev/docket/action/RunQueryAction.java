package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.action.ArgsCheck.Blank;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The built-in {@value #NAME} action: executes a stored notes query for the task's owner through
 * the host's {@link NotesQuery} and posts the results to a room through its {@link MessageSender}
 * as an {@code m.text} message with a readable body (one line per result, cut to {@value
 * SendMessageAction#MAX_BODY_BYTES} bytes).
 *
 * <p>Arguments, strictly (no other fields): {@code {"room_id": "room-42", "query_id":
 * "open-todos"}}, both non-blank strings of at most {@value SendMessageAction#MAX_ROOM_ID_BYTES}
 * and {@value #MAX_QUERY_ID_BYTES} UTF-8 bytes. The job's result is {@code {"room_id", "query_id",
 * "result_count"}}.
 *
 * <p>Thread-safe when its query and sender are.
 */
public final class RunQueryAction implements Action {

  /** The action's name. */
  public static final String NAME = "run_query";

  /** Longest {@code query_id}, in UTF-8 bytes. */
  public static final int MAX_QUERY_ID_BYTES = 255;

  /** The {@code msgtype} of the posted results. */
  public static final String MSGTYPE = "m.text";

  private static final List<String> FIELDS = List.of("room_id", "query_id");
  private static final String TRUNCATED = "\n… (truncated)";

  private final NotesQuery query;
  private final MessageSender sender;

  private RunQueryAction(NotesQuery query, MessageSender sender) {
    this.query = Objects.requireNonNull(query, "query");
    this.sender = Objects.requireNonNull(sender, "sender");
  }

  /** The action running queries with {@code query} and posting their results with {@code sender}. */
  public static RunQueryAction of(NotesQuery query, MessageSender sender) {
    return new RunQueryAction(query, sender);
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
  public Object run(ActionContext ctx) throws Exception {
    QueryArgs a = parse(ctx.args());
    ctx.job().checkCancelled();
    JsonNode results = query.run(a.queryId(), ctx.owner());
    if (results == null) {
      results = JsonNodeFactory.instance.arrayNode();
    }
    ctx.job().checkCancelled();
    ObjectNode content = JsonNodeFactory.instance.objectNode();
    content.put("msgtype", MSGTYPE);
    content.put("body", body(a.queryId(), results));
    sender.send(a.roomId(), content);
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("room_id", a.roomId());
    result.put("query_id", a.queryId());
    result.put("result_count", count(results));
    return result;
  }

  private record QueryArgs(String roomId, String queryId) {}

  private static QueryArgs parse(JsonNode node) {
    Objects.requireNonNull(node, "args");
    ObjectNode args = ArgsCheck.object(NAME, "args", node, FIELDS);
    String roomId = ArgsCheck.roomId(NAME, args);
    String queryId =
        ArgsCheck.requiredString(
            NAME, args, "args", "query_id", Blank.REJECTED, MAX_QUERY_ID_BYTES, true);
    return new QueryArgs(roomId, queryId);
  }

  private static int count(JsonNode results) {
    if (results.isNull() || results.isMissingNode()) {
      return 0;
    }
    return results.isArray() ? results.size() : 1;
  }

  /**
   * The message text: a heading, then one line per array element (an object's fields as {@code
   * key: value} pairs), or the object's fields one per line.
   */
  static String body(String queryId, JsonNode results) {
    int n = count(results);
    StringBuilder out = new StringBuilder();
    out.append("Results of query ").append(queryId).append(": ");
    if (n == 0 || results.isArray() && results.isEmpty()) {
      out.append("none");
      return out.toString();
    }
    out.append(n).append(n == 1 ? " result" : " results");
    if (results.isArray()) {
      for (JsonNode item : results) {
        out.append("\n- ").append(line(item));
      }
    } else if (results.isObject()) {
      for (Map.Entry<String, JsonNode> e : results.properties()) {
        out.append("\n").append(e.getKey()).append(": ").append(text(e.getValue()));
      }
    } else {
      out.append("\n").append(text(results));
    }
    return cut(out.toString());
  }

  private static String line(JsonNode item) {
    if (!item.isObject()) {
      return text(item);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : item.properties()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(e.getKey()).append(": ").append(text(e.getValue()));
    }
    return out.toString();
  }

  private static String text(JsonNode value) {
    return value.isValueNode() && !value.isNull() ? value.asText() : value.toString();
  }

  private static String cut(String body) {
    int limit = SendMessageAction.MAX_BODY_BYTES - TRUNCATED.getBytes(StandardCharsets.UTF_8).length;
    if (body.getBytes(StandardCharsets.UTF_8).length <= SendMessageAction.MAX_BODY_BYTES) {
      return body;
    }
    int bytes = 0;
    int end = 0;
    while (end < body.length()) {
      int cp = body.codePointAt(end);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > limit) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return body.substring(0, end) + TRUNCATED;
  }

  @Override
  public String toString() {
    return NAME;
  }
}
