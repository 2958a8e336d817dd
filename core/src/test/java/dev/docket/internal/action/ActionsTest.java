package dev.docket.internal.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.InvalidRequestException;
import dev.docket.UnknownActionException;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import dev.docket.action.RunQueryAction;
import dev.docket.action.SendMessageAction;
import dev.docket.action.TriggerAiAction;
import dev.docket.internal.action.TestActionProviders.Echo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActionsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Actions actions = new Actions();

  private void registerBuiltIns() {
    actions.register(SendMessageAction.of((room, content) -> {}));
    actions.register(TriggerAiAction.of((room, prompt) -> null));
    actions.register(RunQueryAction.of((id, owner) -> MAPPER.createArrayNode(), (room, content) -> {}));
  }

  @Test
  void registeredActionsAreFoundByName() {
    registerBuiltIns();
    Echo echo = new Echo("echo");
    actions.register(echo);

    assertThat(actions.find("echo")).containsSame(echo);
    assertThat(actions.get("echo")).isSameAs(echo);
    assertThat(actions.find("nope")).isEmpty();
    assertThat(actions.names()).containsExactly("echo", "run_query", "send_message", "trigger_ai");
  }

  @Test
  void namesIsASortedSnapshot() {
    actions.register(new Echo("zeta"));
    var names = actions.names();
    actions.register(new Echo("alpha"));

    assertThat(names).containsExactly("zeta");
    assertThat(actions.names()).containsExactly("alpha", "zeta");
    assertThatThrownBy(() -> actions.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aSecondActionOfTheSameNameIsRejectedAndTheFirstKept() {
    Echo first = new Echo("echo");
    actions.register(first);

    assertThatThrownBy(() -> actions.register(new Echo("echo")))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("action");
              assertThat(e.reason()).contains("'echo' is already registered");
            });
    assertThat(actions.get("echo")).isSameAs(first);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Send", "1st", "send message", "_x", "café"})
  void malformedNamesAreRejected(String name) {
    assertThatThrownBy(() -> actions.register(new Echo(name)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("action");
              assertThat(e.reason()).contains("must match [a-z][a-z0-9_.-]{0,63}");
            });
    assertThat(actions.names()).isEmpty();
  }

  @Test
  void aNameOf65CharactersIsTooLongButOf64Fits() {
    assertThatCode(() -> actions.register(new Echo("a".repeat(64)))).doesNotThrowAnyException();
    assertThatThrownBy(() -> actions.register(new Echo("a".repeat(65))))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void getOfAnUnknownNameListsTheRegisteredOnes() {
    registerBuiltIns();

    assertThatThrownBy(() -> actions.get("send_mesage"))
        .isInstanceOfSatisfying(
            UnknownActionException.class,
            e -> {
              assertThat(e.field()).isEqualTo("action");
              assertThat(e.action()).isEqualTo("send_mesage");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "action: 'send_mesage' is not a registered action; registered: run_query,"
                          + " send_message, trigger_ai");
            });
  }

  @Test
  void anEmptyRegistrySaysSo() {
    assertThatThrownBy(() -> actions.get("x")).hasMessageEndingWith("registered: none");
  }

  @Test
  void validateChecksTheActionThenItsArgs() throws Exception {
    registerBuiltIns();
    JsonNode good = MAPPER.readTree("{\"room_id\": \"r\", \"prompt\": \"hi\"}");
    JsonNode bad = MAPPER.readTree("{\"room_id\": \"r\"}");

    assertThatCode(() -> actions.validate("trigger_ai", good)).doesNotThrowAnyException();
    assertThatThrownBy(() -> actions.validate("trigger_ai", bad))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args.prompt"));
    assertThatThrownBy(() -> actions.validate("trigger", good)).isInstanceOf(UnknownActionException.class);
  }

  @Test
  void aStrayExceptionFromAPluginsValidationBecomesAnArgsError() {
    actions.register(
        new Action() {
          @Override
          public String name() {
            return "buggy";
          }

          @Override
          public void validate(JsonNode args) {
            throw new NullPointerException("oops");
          }

          @Override
          public Object run(ActionContext ctx) {
            return "never";
          }
        });

    assertThatThrownBy(() -> actions.validate("buggy", MAPPER.createObjectNode()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("args");
              assertThat(e.reason()).contains("action buggy rejected its arguments");
              assertThat(e.getCause()).isInstanceOf(NullPointerException.class);
            });
  }

  @Test
  void concurrentRegistrationsOfOneNameLetExactlyOneWin() throws Exception {
    int threads = 8;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  barrier.await(10, TimeUnit.SECONDS);
                  try {
                    actions.register(new Echo("race"));
                    return true;
                  } catch (InvalidRequestException e) {
                    return false;
                  }
                }));
      }
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
