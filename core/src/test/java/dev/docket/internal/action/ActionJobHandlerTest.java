package dev.docket.internal.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.InvalidRequestException;
import dev.docket.JobCancelledException;
import dev.docket.JobError;
import dev.docket.JobId;
import dev.docket.TaskId;
import dev.docket.UnknownActionException;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import dev.docket.action.SendMessageAction;
import dev.docket.testkit.FakeJobContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActionJobHandlerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TaskId TASK = TaskId.of("tsk_abc123");
  private static final Instant FIRE = Instant.parse("2026-12-01T09:00:00Z");

  private final Actions actions = new Actions();
  private final ActionJobHandler handler = new ActionJobHandler(actions);
  private final List<String> sent = new ArrayList<>();

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text.replace('\'', '"'));
  }

  private FakeJobContext fire(String action, JsonNode args) {
    return new FakeJobContext(
        ActionJobHandler.fireJobId(TASK, FIRE), action, "alice", TASK.value(), args);
  }

  /** Records the context it ran with. */
  private static final class Recording implements Action {
    @Nullable ActionContext seen;

    @Override
    public String name() {
      return "record";
    }

    @Override
    public void validate(JsonNode args) {}

    @Override
    public Object run(ActionContext ctx) {
      seen = ctx;
      return Map.of("ok", true);
    }
  }

  @Test
  void theFireJobIdIsTheTaskIdAndTheFireMinuteInUtc() {
    assertThat(ActionJobHandler.fireJobId(TASK, FIRE)).isEqualTo(JobId.of("tsk_abc123:2026-12-01T09:00Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-01T09:00:00Z",
        "1970-01-01T00:00:00Z",
        "2024-02-29T23:59:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:00Z"
      })
  void fireTimesRoundTripThroughTheJobId(String time) {
    Instant t = Instant.parse(time);
    JobId id = ActionJobHandler.fireJobId(TASK, t);

    assertThat(ActionJobHandler.fireTimeOf(id)).isEqualTo(t);
    assertThat(ActionJobHandler.taskIdOf(id)).isEqualTo(TASK);
  }

  @Test
  void aTaskIdWithColonsAndTheLongestTaskIdStillRoundTrip() {
    TaskId colons = TaskId.of("team:ops:daily");
    JobId id = ActionJobHandler.fireJobId(colons, FIRE);
    assertThat(ActionJobHandler.taskIdOf(id)).isEqualTo(colons);
    assertThat(ActionJobHandler.fireTimeOf(id)).isEqualTo(FIRE);

    TaskId longest = TaskId.of("t".repeat(TaskId.MAX_LENGTH));
    assertThat(ActionJobHandler.fireJobId(longest, FIRE).value()).hasSize(128);
  }

  @Test
  void fireTimesMustBeWholeMinutesWithinFourDigitYears() {
    assertThatThrownBy(() -> ActionJobHandler.fireJobId(TASK, FIRE.plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a whole minute");
    assertThatThrownBy(() -> ActionJobHandler.fireJobId(TASK, Instant.parse("+10000-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside years 0000-9999");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tsk_abc123",
        "tsk_abc123:2026-12-01",
        "tsk_abc123:2026-12-01T09:00:00Z",
        "tsk_abc123:2026-13-01T09:00Z",
        "tsk_abc123:2026-02-30T09:00Z",
        ":2026-12-01T09:00Z",
        "tsk_abc123:2026-12-01T09:00z",
        "tsk_abc123:2026-12-01T24:00Z"
      })
  void idsThatAreNotFiresAreRejectedNamingJobId(String id) {
    assertThatThrownBy(() -> ActionJobHandler.fireTimeOf(JobId.of(id)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("jobId");
              assertThat(e.reason()).contains("is not the id of a task's fire");
            });
  }

  @Test
  void runsTheActionWithTheFiresContextAndReturnsItsResult() throws Exception {
    Recording action = new Recording();
    actions.register(action);
    JsonNode args = json("{'x': 1}");
    FakeJobContext job = fire("record", args);

    Object result = handler.handle(job);

    assertThat(result).isEqualTo(Map.of("ok", true));
    ActionContext ctx = action.seen;
    assertThat(ctx).isNotNull();
    assertThat(ctx.taskId()).isEqualTo(TASK);
    assertThat(ctx.fireTime()).isEqualTo(FIRE);
    assertThat(ctx.owner()).isEqualTo("alice");
    assertThat(ctx.args()).isEqualTo(args);
    assertThat(ctx.args(Map.class)).isEqualTo(Map.of("x", 1));
    assertThat(ctx.job()).isSameAs(job);
  }

  @Test
  void runsABuiltInEndToEnd() throws Exception {
    actions.register(SendMessageAction.of((room, content) -> sent.add(room + " " + content)));

    handler.handle(fire("send_message", json("{'room_id': 'r1', 'content': {'msgtype': 'm.text', 'body': 'hi'}}")));

    assertThat(sent).containsExactly("r1 {\"msgtype\":\"m.text\",\"body\":\"hi\"}");
  }

  @Test
  void anActionUnknownAtFireTimeFailsTheJobWithUnknownActionException() {
    actions.register(new Recording());

    assertThatThrownBy(() -> handler.handle(fire("send_message", MAPPER.createObjectNode())))
        .isInstanceOfSatisfying(
            UnknownActionException.class,
            e -> {
              assertThat(e.action()).isEqualTo("send_message");
              assertThat(e.getMessage()).contains("registered: record");
            });
  }

  @Test
  void argsThatNoLongerPassFailTheFireBeforeTheActionRuns() {
    actions.register(SendMessageAction.of((room, content) -> sent.add(room)));

    assertThatThrownBy(() -> handler.handle(fire("send_message", json("{'room_id': 'r1'}"))))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args.content"));
    assertThat(sent).isEmpty();
  }

  @Test
  void bothFailuresArePermanentForARetryPolicy() {
    assertThat(ActionJobHandler.isPermanent(JobError.of(new UnknownActionException("x", List.of())))).isTrue();
    assertThat(ActionJobHandler.isPermanent(JobError.of(new InvalidRequestException("args", "bad")))).isTrue();
    assertThat(ActionJobHandler.isPermanent(JobError.of(new java.io.IOException("down")))).isFalse();
  }

  @Test
  void aJobWithoutCorrelationIdIsNotAFire() {
    actions.register(new Recording());
    FakeJobContext job =
        new FakeJobContext(ActionJobHandler.fireJobId(TASK, FIRE), "record", "alice", null, MAPPER.createObjectNode());

    assertThatThrownBy(() -> handler.handle(job))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("correlationId"));
  }

  @Test
  void aJobIdOfAnotherTaskIsRejected() {
    actions.register(new Recording());
    FakeJobContext job =
        new FakeJobContext(
            ActionJobHandler.fireJobId(TaskId.of("tsk_other"), FIRE), "record", "alice", TASK.value(), MAPPER.createObjectNode());

    assertThatThrownBy(() -> handler.handle(job))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("jobId");
              assertThat(e.reason()).contains("is a fire of task tsk_other, not of task tsk_abc123");
            });
  }

  @Test
  void aJobIdThatIsNotAFireIsRejected() {
    actions.register(new Recording());
    FakeJobContext job = new FakeJobContext(JobId.of("tsk_abc123"), "record", "alice", TASK.value(), MAPPER.createObjectNode());

    assertThatThrownBy(() -> handler.handle(job))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("jobId"));
  }

  @Test
  void aCancelledFireDoesNotRunTheAction() {
    Recording action = new Recording();
    actions.register(action);

    assertThatThrownBy(() -> handler.handle(fire("record", MAPPER.createObjectNode()).cancel()))
        .isInstanceOf(JobCancelledException.class);
    assertThat(action.seen).isNull();
  }
}
