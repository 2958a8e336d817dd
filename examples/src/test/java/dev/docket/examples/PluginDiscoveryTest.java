package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.InvalidRequestException;
import dev.docket.JobCancelledException;
import dev.docket.JobContext;
import dev.docket.JobId;
import dev.docket.TaskId;
import dev.docket.UnknownActionException;
import dev.docket.action.Action;
import dev.docket.internal.action.ActionJobHandler;
import dev.docket.internal.action.Actions;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The example plugin jar (module {@code examples/plugin}) is found with ServiceLoader, and its
 * action validates and runs through the handler that runs scheduled-task fires.
 */
class PluginDiscoveryTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TaskId TASK = TaskId.of("tsk_0123456789abcdef01234567");
  private static final Instant FIRE = Instant.parse("2026-12-01T09:00:00Z");

  private final Actions actions = Actions.discover(PluginDiscoveryTest.class.getClassLoader());

  private static JsonNode json(String text) throws JsonProcessingException {
    return MAPPER.readTree(text.replace('\'', '"'));
  }

  @Test
  void serviceLoaderFindsThePluginsActionInItsOwnArtifact() throws Exception {
    assertThat(actions.names()).contains("count_words");

    Action action = actions.get("count_words");
    assertThat(action.getClass().getName()).isEqualTo("dev.docket.examples.plugin.CountWordsAction");
    URL location = action.getClass().getProtectionDomain().getCodeSource().getLocation();
    Path path = Path.of(location.toURI());
    if (path.toString().endsWith(".jar")) {
      // mvn verify: the reactor hands over the packaged jar
      assertThat(path.getFileName().toString()).startsWith("docket-example-plugin-");
      try (JarFile jar = new JarFile(path.toFile())) {
        assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .isEqualTo("dev.docket.examples.plugin");
        assertThat(jar.getEntry("META-INF/services/dev.docket.action.ActionProvider")).isNotNull();
      }
    } else {
      // mvn test: the reactor hands over the plugin module's classes
      assertThat(path.toString().replace('\\', '/')).endsWith("examples/plugin/target/classes");
    }
  }

  @Test
  void thePluginsActionValidatesItsArgs() throws Exception {
    assertThatThrownBy(() -> actions.validate("count_words", json("{'text': 3}")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args.text"));
    assertThatThrownBy(() -> actions.validate("count_words", json("{'text': 'a', 'lang': 'en'}")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args.lang"));
    assertThatThrownBy(() -> actions.validate("count_words", json("[]")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("args"));
  }

  @Test
  void aFireRunsThePluginsActionThroughTheJobHandler() throws Exception {
    ActionJobHandler handler = new ActionJobHandler(actions);
    FakeJob job = new FakeJob(
        ActionJobHandler.fireJobId(TASK, FIRE), "count_words", json("{'text': 'the quick brown fox\\njumps'}"));

    Object result = handler.handle(job);

    JsonNode tree = MAPPER.valueToTree(result);
    assertThat(tree)
        .isEqualTo(
            json(
                "{'task_id': 'tsk_0123456789abcdef01234567', 'fire_time': '2026-12-01T09:00:00Z',"
                    + " 'words': 5, 'characters': 25, 'lines': 2}"));
  }

  @Test
  void aFireWithArgsThePluginRejectsFails() throws Exception {
    ActionJobHandler handler = new ActionJobHandler(actions);
    FakeJob job = new FakeJob(ActionJobHandler.fireJobId(TASK, FIRE), "count_words", json("{'text': '  '}"));

    assertThatThrownBy(() -> handler.handle(job))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("args.text");
              assertThat(e.reason()).isEqualTo("must not be blank");
            });
  }

  @Test
  void aFireOfAnActionNoPluginProvidesFails() throws Exception {
    ActionJobHandler handler = new ActionJobHandler(actions);
    FakeJob job = new FakeJob(ActionJobHandler.fireJobId(TASK, FIRE), "count_letters", json("{}"));

    assertThatThrownBy(() -> handler.handle(job))
        .isInstanceOfSatisfying(
            UnknownActionException.class,
            e -> {
              assertThat(e.action()).isEqualTo("count_letters");
              assertThat(e.getMessage()).contains("count_words");
            });
  }

  @Test
  void pluginsGuideQuotesThePluginVerbatim() throws Exception {
    String doc = Files.readString(Path.of("../docs/plugins.md"));
    String plugin =
        Files.readString(
            Path.of("plugin/src/main/java/dev/docket/examples/plugin/WordCountPlugin.java"));
    String action =
        Files.readString(
            Path.of("plugin/src/main/java/dev/docket/examples/plugin/CountWordsAction.java"));
    String services =
        Files.readString(
            Path.of("plugin/src/main/resources/META-INF/services/dev.docket.action.ActionProvider"));

    assertThat(doc).contains(plugin.substring(plugin.indexOf("public final class")).strip());
    assertThat(doc).contains(services.strip());
    Matcher run = Pattern.compile("\\n(  @Override\\n  public Object run.*?\\n  })\\n", Pattern.DOTALL).matcher(action);
    assertThat(run.find()).isTrue();
    assertThat(doc).contains(run.group(1).replaceAll("(?m)^  ", ""));
  }

  /** A hand-written job context for one fire of {@link #TASK}, owned by {@code alice}. */
  private static final class FakeJob implements JobContext {
    private final JobId jobId;
    private final String function;
    private final JsonNode args;

    FakeJob(JobId jobId, String function, JsonNode args) {
      this.jobId = jobId;
      this.function = function;
      this.args = args;
    }

    @Override
    public JobId jobId() {
      return jobId;
    }

    @Override
    public String function() {
      return function;
    }

    @Override
    public String queue() {
      return "default";
    }

    @Override
    public String owner() {
      return "alice";
    }

    @Override
    public Optional<String> correlationId() {
      return Optional.of(TASK.value());
    }

    @Override
    public JsonNode args() {
      return args;
    }

    @Override
    public <T> T args(Class<T> type) {
      try {
        @Nullable T value = MAPPER.treeToValue(args, type);
        if (value == null) {
          throw new InvalidRequestException("args", "are JSON null");
        }
        return value;
      } catch (JsonProcessingException e) {
        throw new InvalidRequestException("args", "do not fit " + type.getSimpleName());
      }
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public int maxAttempts() {
      return 1;
    }

    @Override
    public Clock clock() {
      return Clock.fixed(FIRE, ZoneOffset.UTC);
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void checkCancelled() {
      if (isCancelled()) {
        throw new JobCancelledException(jobId);
      }
    }

    @Override
    public void progress(int percent, String message) {}
  }

  @Test
  void anEngineBuiltWithDiscoverActionsRunsThePluginsActionOnASchedule() {
    try (dev.docket.Docket docket =
        dev.docket.Docket.builder()
            .store(new dev.docket.memory.InMemoryStore())
            .discoverActions(PluginDiscoveryTest.class.getClassLoader())
            .build()) {
      assertThat(docket.actions().names()).contains("count_words");
      dev.docket.ScheduledTask t =
          docket.scheduler()
              .create(
                  dev.docket.TaskSpec.builder("count", "*/5 * * * *", "count_words")
                      .args("{\"text\": \"one two three\"}")
                      .build());
      assertThat(t.nextRunAt()).isPresent();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  docket.scheduler()
                      .create(dev.docket.TaskSpec.builder("bad", "* * * * *", "count_words").args("{}").build()))
          .isInstanceOfSatisfying(
              dev.docket.InvalidRequestException.class, e -> assertThat(e.field()).startsWith("args"));
      assertThat(docket.scheduler().list(10).items()).hasSize(1);
    }
  }
}
