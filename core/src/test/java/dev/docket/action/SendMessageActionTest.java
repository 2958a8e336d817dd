package dev.docket.action;

import static dev.docket.action.Fakes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.JobCancelledException;
import dev.docket.action.Fakes.RecordingSender;
import dev.docket.action.Fakes.Sent;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SendMessageActionTest {

  private final RecordingSender sender = new RecordingSender();
  private final SendMessageAction action = SendMessageAction.of(sender);

  private static final String VALID =
      "{'room_id': 'room-1', 'content': {'msgtype': 'swp.text', 'body': 'Monday status check'}}";

  @Test
  void isNamedSendMessage() {
    assertThat(action.name()).isEqualTo("send_message").isEqualTo(SendMessageAction.NAME);
  }

  @Test
  void acceptsTheSeedsExample() {
    assertThatCode(() -> action.validate(json(VALID))).doesNotThrowAnyException();
  }

  @Test
  void acceptsAnEmptyBodyAndValuesAtTheirBounds() {
    ObjectNode args = (ObjectNode) json(VALID);
    args.put("room_id", "r".repeat(255));
    ((ObjectNode) args.get("content")).put("body", "");
    assertThatCode(() -> action.validate(args)).doesNotThrowAnyException();
    ((ObjectNode) args.get("content")).put("body", "b".repeat(65_536));
    assertThatCode(() -> action.validate(args)).doesNotThrowAnyException();
  }

  static Stream<Arguments> rejections() {
    String longRoom = "r".repeat(256);
    String longBody = "é".repeat(32_769); // 65,538 bytes in UTF-8
    return Stream.of(
        Arguments.of("[]", "args", "must be a JSON object, not an array"),
        Arguments.of("null", "args", "must be a JSON object, not null"),
        Arguments.of("'text'", "args", "must be a JSON object, not a string"),
        Arguments.of("{'content': {'msgtype': 'm.text', 'body': 'x'}}", "args.room_id", "is required"),
        Arguments.of("{'room_id': 'r'}", "args.content", "is required"),
        Arguments.of(
            "{'room_id': 7, 'content': {'msgtype': 'm.text', 'body': 'x'}}",
            "args.room_id",
            "must be a string, not a number"),
        Arguments.of(
            "{'room_id': null, 'content': {'msgtype': 'm.text', 'body': 'x'}}",
            "args.room_id",
            "must be a string, not null"),
        Arguments.of(
            "{'room_id': '  ', 'content': {'msgtype': 'm.text', 'body': 'x'}}",
            "args.room_id",
            "must not be blank"),
        Arguments.of(
            "{'room_id': '" + longRoom + "', 'content': {'msgtype': 'm.text', 'body': 'x'}}",
            "args.room_id",
            "is 256 bytes long in UTF-8; at most 255 are allowed"),
        Arguments.of(
            "{'room_id': 'a\\u0007b', 'content': {'msgtype': 'm.text', 'body': 'x'}}",
            "args.room_id",
            "must not contain control characters"),
        Arguments.of("{'room_id': 'r', 'content': 'hello'}", "args.content", "must be a JSON object, not a string"),
        Arguments.of("{'room_id': 'r', 'content': {'body': 'x'}}", "args.content.msgtype", "is required"),
        Arguments.of(
            "{'room_id': 'r', 'content': {'msgtype': true, 'body': 'x'}}",
            "args.content.msgtype",
            "must be a string, not a boolean"),
        Arguments.of(
            "{'room_id': 'r', 'content': {'msgtype': '', 'body': 'x'}}",
            "args.content.msgtype",
            "must not be blank"),
        Arguments.of(
            "{'room_id': 'r', 'content': {'msgtype': '" + "m".repeat(256) + "', 'body': 'x'}}",
            "args.content.msgtype",
            "at most 255"),
        Arguments.of("{'room_id': 'r', 'content': {'msgtype': 'm.text'}}", "args.content.body", "is required"),
        Arguments.of(
            "{'room_id': 'r', 'content': {'msgtype': 'm.text', 'body': ['x']}}",
            "args.content.body",
            "must be a string, not an array"),
        Arguments.of(
            "{'room_id': 'r', 'content': {'msgtype': 'm.text', 'body': '" + longBody + "'}}",
            "args.content.body",
            "is 65538 bytes long in UTF-8; at most 65536 are allowed"),
        Arguments.of(
            "{'room_id': 'r', 'roomid': 'r', 'content': {'msgtype': 'm.text', 'body': 'x'}}",
            "args.roomid",
            "is not a field of send_message args; allowed: room_id, content"),
        Arguments.of(
            "{'room_id': 'r', 'content': {'msgtype': 'm.text', 'body': 'x', 'format': 'html'}}",
            "args.content.format",
            "is not a field of send_message args.content; allowed: msgtype, body"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("rejections")
  void rejectsBadArgsNamingTheField(String args, String field, String reason) {
    Fakes.assertRejects(action, args, field, reason);
  }

  @Test
  void runSendsTheContentToTheRoomAndReportsWhereItWent() throws Exception {
    Object result = action.run(Fakes.Ctx.of("send_message", json(VALID)));

    assertThat(sender.sent)
        .containsExactly(new Sent("room-1", json("{'msgtype': 'swp.text', 'body': 'Monday status check'}")));
    assertThat(result).isEqualTo(json("{'room_id': 'room-1', 'msgtype': 'swp.text'}"));
  }

  @Test
  void runLetsTheSendersFailureFailTheAttempt() {
    sender.failWith = new IOException("homeserver down");
    assertThatThrownBy(() -> action.run(Fakes.Ctx.of("send_message", json(VALID))))
        .isInstanceOf(IOException.class)
        .hasMessage("homeserver down");
  }

  @Test
  void runSendsNothingOnceTheJobIsCancelled() {
    Fakes.Ctx ctx = Fakes.Ctx.of("send_message", json(VALID));
    ctx.job().cancel();
    assertThatThrownBy(() -> action.run(ctx)).isInstanceOf(JobCancelledException.class);
    assertThat(sender.sent).isEmpty();
  }
}
