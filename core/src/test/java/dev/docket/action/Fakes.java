package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.JobId;
import dev.docket.TaskId;
import dev.docket.testkit.FakeJobContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Hand-written fakes of the ports, recording their calls. */
final class Fakes {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Fakes() {}

  /** Asserts that {@code action} rejects {@code args} with an error naming {@code field} for {@code reason}. */
  static void assertRejects(dev.docket.action.Action action, String args, String field, String reason) {
    JsonNode node = json(args);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> action.validate(node))
        .isInstanceOfSatisfying(
            dev.docket.InvalidRequestException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo(field);
              org.assertj.core.api.Assertions.assertThat(e.reason()).contains(reason);
            });
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  record Sent(String roomId, JsonNode content) {}

  static final class RecordingSender implements MessageSender {
    final List<Sent> sent = new ArrayList<>();
    @Nullable Exception failWith;

    @Override
    public void send(String roomId, JsonNode content) throws Exception {
      if (failWith != null) {
        throw failWith;
      }
      sent.add(new Sent(roomId, content));
    }
  }

  record Triggered(String roomId, String prompt) {}

  static final class RecordingTrigger implements AiTrigger {
    final List<Triggered> calls = new ArrayList<>();
    @Nullable Object result;

    @Override
    public @Nullable Object trigger(String roomId, String prompt) {
      calls.add(new Triggered(roomId, prompt));
      return result;
    }
  }

  record Queried(String queryId, String owner) {}

  static final class RecordingQuery implements NotesQuery {
    final List<Queried> calls = new ArrayList<>();
    JsonNode results = MAPPER.createArrayNode();

    @Override
    public JsonNode run(String queryId, String owner) {
      calls.add(new Queried(queryId, owner));
      return results;
    }
  }

  /** An action context for a fire of task {@code tsk_test} at 09:00 by {@code alice}. */
  record Ctx(JsonNode args, FakeJobContext job) implements ActionContext {

    static Ctx of(String action, JsonNode args) {
      return new Ctx(
          args,
          new FakeJobContext(
              JobId.of("tsk_test:2026-12-01T09:00Z"), action, "alice", "tsk_test", args));
    }

    @Override
    public TaskId taskId() {
      return TaskId.of("tsk_test");
    }

    @Override
    public Instant fireTime() {
      return Instant.parse("2026-12-01T09:00:00Z");
    }

    @Override
    public <T> T args(Class<T> type) {
      return job.args(type);
    }

    @Override
    public String owner() {
      return "alice";
    }

    @Override
    public FakeJobContext job() {
      return job;
    }
  }
}
