package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.action.ArgsCheck.Blank;
import java.util.List;
import java.util.Objects;

/**
 * The built-in {@value #NAME} action: posts a fixed message to a room through the host's {@link
 * MessageSender}, for bot-style scheduled posts.
 *
 * <p>Arguments, strictly (no other fields):
 *
 * <pre>{@code
 * {"room_id": "room-42", "content": {"msgtype": "m.text", "body": "Monday status check"}}
 * }</pre>
 *
 * {@code room_id} and {@code content.msgtype} are non-blank strings of at most {@value
 * #MAX_ROOM_ID_BYTES} and {@value #MAX_MSGTYPE_BYTES} UTF-8 bytes; {@code content.body} is a string
 * of at most {@value #MAX_BODY_BYTES} bytes. The job's result is {@code {"room_id", "msgtype"}}.
 *
 * <p>Thread-safe when its sender is.
 */
public final class SendMessageAction implements Action {

  /** The action's name. */
  public static final String NAME = "send_message";

  /** Longest {@code room_id}, in UTF-8 bytes (shared by all built-ins). */
  public static final int MAX_ROOM_ID_BYTES = 255;

  /** Longest {@code content.msgtype}, in UTF-8 bytes. */
  public static final int MAX_MSGTYPE_BYTES = 255;

  /** Longest {@code content.body}, in UTF-8 bytes: 64 KiB. */
  public static final int MAX_BODY_BYTES = 65_536;

  private static final List<String> FIELDS = List.of("room_id", "content");
  private static final List<String> CONTENT_FIELDS = List.of("msgtype", "body");

  private final MessageSender sender;

  private SendMessageAction(MessageSender sender) {
    this.sender = Objects.requireNonNull(sender, "sender");
  }

  /** The action posting through {@code sender}. */
  public static SendMessageAction of(MessageSender sender) {
    return new SendMessageAction(sender);
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
    Message m = parse(ctx.args());
    ObjectNode content = JsonNodeFactory.instance.objectNode();
    content.put("msgtype", m.msgtype());
    content.put("body", m.body());
    ctx.job().checkCancelled();
    sender.send(m.roomId(), content);
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("room_id", m.roomId());
    result.put("msgtype", m.msgtype());
    return result;
  }

  private record Message(String roomId, String msgtype, String body) {}

  private static Message parse(JsonNode node) {
    Objects.requireNonNull(node, "args");
    ObjectNode args = ArgsCheck.object(NAME, "args", node, FIELDS);
    String roomId = ArgsCheck.roomId(NAME, args);
    ObjectNode content = ArgsCheck.requiredObject(NAME, args, "args", "content", CONTENT_FIELDS);
    String msgtype =
        ArgsCheck.requiredString(
            NAME, content, "args.content", "msgtype", Blank.REJECTED, MAX_MSGTYPE_BYTES, true);
    String body =
        ArgsCheck.requiredString(
            NAME, content, "args.content", "body", Blank.ALLOWED, MAX_BODY_BYTES, false);
    return new Message(roomId, msgtype, body);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
