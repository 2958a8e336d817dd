package dev.docket.action;

import static dev.docket.action.Fakes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.docket.action.Fakes.Queried;
import dev.docket.action.Fakes.RecordingQuery;
import dev.docket.action.Fakes.RecordingSender;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunQueryActionTest {

  private final RecordingQuery query = new RecordingQuery();
  private final RecordingSender sender = new RecordingSender();
  private final RunQueryAction action = RunQueryAction.of(query, sender);

  private static final String VALID = "{'room_id': 'room-1', 'query_id': 'open-todos'}";

  @Test
  void isNamedRunQuery() {
    assertThat(action.name()).isEqualTo("run_query");
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        Arguments.of("true", "args", "must be a JSON object, not a boolean"),
        Arguments.of("{'query_id': 'q'}", "args.room_id", "is required by run_query"),
        Arguments.of("{'room_id': 1.5, 'query_id': 'q'}", "args.room_id", "must be a string, not a number"),
        Arguments.of("{'room_id': ' ', 'query_id': 'q'}", "args.room_id", "must not be blank"),
        Arguments.of("{'room_id': '" + "r".repeat(256) + "', 'query_id': 'q'}", "args.room_id", "at most 255"),
        Arguments.of("{'room_id': 'r'}", "args.query_id", "is required by run_query"),
        Arguments.of("{'room_id': 'r', 'query_id': 12}", "args.query_id", "must be a string, not a number"),
        Arguments.of("{'room_id': 'r', 'query_id': ''}", "args.query_id", "must not be blank"),
        Arguments.of("{'room_id': 'r', 'query_id': '" + "q".repeat(256) + "'}", "args.query_id", "at most 255"),
        Arguments.of("{'room_id': 'r', 'query_id': 'q\\n'}", "args.query_id", "must not contain control characters"),
        Arguments.of(
            "{'room_id': 'r', 'query_id': 'q', 'limit': 5}",
            "args.limit",
            "is not a field of run_query args; allowed: room_id, query_id"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("rejections")
  void rejectsBadArgsNamingTheField(String args, String field, String reason) {
    Fakes.assertRejects(action, args, field, reason);
  }

  @Test
  void runQueriesForTheOwnerAndPostsTheResultsAsText() throws Exception {
    query.results =
        json("[{'title': 'Pay rent', 'due': '2026-12-03'}, {'title': 'Call Bob', 'done': false}, 'loose note']");

    Object result = action.run(Fakes.Ctx.of("run_query", json(VALID)));

    assertThat(query.calls).containsExactly(new Queried("open-todos", "alice"));
    assertThat(sender.sent).hasSize(1);
    assertThat(sender.sent.get(0).roomId()).isEqualTo("room-1");
    JsonNode content = sender.sent.get(0).content();
    assertThat(content.get("msgtype").asText()).isEqualTo("m.text");
    assertThat(content.get("body").asText())
        .isEqualTo(
            "Results of query open-todos: 3 results\n"
                + "- title: Pay rent, due: 2026-12-03\n"
                + "- title: Call Bob, done: false\n"
                + "- loose note");
    assertThat(result).isEqualTo(json("{'room_id': 'room-1', 'query_id': 'open-todos', 'result_count': 3}"));
  }

  @Test
  void runPostsThatThereAreNoResults() throws Exception {
    action.run(Fakes.Ctx.of("run_query", json(VALID)));

    assertThat(sender.sent.get(0).content().get("body").asText())
        .isEqualTo("Results of query open-todos: none");
  }

  @Test
  void anObjectResultIsPostedOneFieldPerLine() {
    assertThat(RunQueryAction.body("stats", json("{'notes': 12, 'tags': ['a', 'b']}")))
        .isEqualTo("Results of query stats: 1 result\nnotes: 12\ntags: [\"a\",\"b\"]");
  }

  @Test
  void aHugeResultIsCutToTheBodyLimit() throws Exception {
    ArrayNode many = Fakes.MAPPER.createArrayNode();
    for (int i = 0; i < 10_000; i++) {
      many.add("note number " + i + " — ünïcödé");
    }
    query.results = many;

    action.run(Fakes.Ctx.of("run_query", json(VALID)));

    String body = sender.sent.get(0).content().get("body").asText();
    assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SendMessageAction.MAX_BODY_BYTES);
    assertThat(body).startsWith("Results of query open-todos: 10000 results\n- note number 0").endsWith("… (truncated)");
  }

  @Test
  void aFailingQueryPostsNothing() {
    NotesQuery broken =
        (id, owner) -> {
          throw new IllegalStateException("query " + id + " is gone");
        };
    RunQueryAction failing = RunQueryAction.of(broken, sender);
    assertThatThrownBy(() -> failing.run(Fakes.Ctx.of("run_query", json(VALID))))
        .hasMessage("query open-todos is gone");
    assertThat(sender.sent).isEmpty();
  }

  @Test
  void postedResultsPassSendMessageValidation() throws Exception {
    query.results = json("[{'title': 'x'}]");
    action.run(Fakes.Ctx.of("run_query", json(VALID)));
    JsonNode content = sender.sent.get(0).content();
    JsonNode asArgs = Fakes.MAPPER.createObjectNode().put("room_id", "room-1").set("content", content);
    assertThatCode(() -> SendMessageAction.of(sender).validate(asArgs)).doesNotThrowAnyException();
  }
}
