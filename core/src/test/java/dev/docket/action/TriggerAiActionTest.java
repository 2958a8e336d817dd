package dev.docket.action;

import static dev.docket.action.Fakes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.action.Fakes.RecordingTrigger;
import dev.docket.action.Fakes.Triggered;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TriggerAiActionTest {

  private final RecordingTrigger trigger = new RecordingTrigger();
  private final TriggerAiAction action = TriggerAiAction.of(trigger);

  private static final String VALID = "{'room_id': 'room-1', 'prompt': 'Summarise this week'}";

  @Test
  void isNamedTriggerAi() {
    assertThat(action.name()).isEqualTo("trigger_ai");
  }

  @Test
  void acceptsAPromptAtItsBound() {
    assertThatCode(() -> action.validate(json("{'room_id': 'r', 'prompt': '" + "p".repeat(16_384) + "'}")))
        .doesNotThrowAnyException();
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        Arguments.of("42", "args", "must be a JSON object, not a number"),
        Arguments.of("{'prompt': 'p'}", "args.room_id", "is required by trigger_ai"),
        Arguments.of("{'room_id': ['r'], 'prompt': 'p'}", "args.room_id", "must be a string, not an array"),
        Arguments.of("{'room_id': '', 'prompt': 'p'}", "args.room_id", "must not be blank"),
        Arguments.of("{'room_id': '" + "r".repeat(256) + "', 'prompt': 'p'}", "args.room_id", "at most 255"),
        Arguments.of("{'room_id': 'r'}", "args.prompt", "is required by trigger_ai"),
        Arguments.of("{'room_id': 'r', 'prompt': {}}", "args.prompt", "must be a string, not an object"),
        Arguments.of("{'room_id': 'r', 'prompt': ' \\n '}", "args.prompt", "must not be blank"),
        Arguments.of(
            "{'room_id': 'r', 'prompt': '" + "p".repeat(16_385) + "'}",
            "args.prompt",
            "is 16385 bytes long in UTF-8; at most 16384 are allowed"),
        Arguments.of(
            "{'room_id': 'r', 'prompt': 'p', 'model': 'x'}",
            "args.model",
            "is not a field of trigger_ai args; allowed: room_id, prompt"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("rejections")
  void rejectsBadArgsNamingTheField(String args, String field, String reason) {
    Fakes.assertRejects(action, args, field, reason);
  }

  @Test
  void runTriggersTheAiAndReturnsItsResult() throws Exception {
    trigger.result = Map.of("run_id", "run-9");

    Object result = action.run(Fakes.Ctx.of("trigger_ai", json(VALID)));

    assertThat(trigger.calls).containsExactly(new Triggered("room-1", "Summarise this week"));
    assertThat(result).isEqualTo(Map.of("run_id", "run-9"));
  }

  @Test
  void runReturnsNullWhenTheTriggerReportsNothing() throws Exception {
    assertThat(action.run(Fakes.Ctx.of("trigger_ai", json(VALID)))).isNull();
    assertThat(trigger.calls).hasSize(1);
  }
}
