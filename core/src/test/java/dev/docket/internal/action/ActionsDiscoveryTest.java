package dev.docket.internal.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.internal.action.TestActionProviders.Echo;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ServiceLoader discovery. The service files are written to a temp dir at test time rather than
 * kept in test resources, so that core's test-jar never carries a provider into other modules.
 */
class ActionsDiscoveryTest {

  @TempDir Path dir;

  private ClassLoader loaderListing(Class<?>... providers) throws IOException {
    return loaderListingNames(java.util.Arrays.stream(providers).map(Class::getName).toArray(String[]::new));
  }

  private ClassLoader loaderListingNames(String... providers) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(
        services.resolve("dev.docket.action.ActionProvider"),
        "# test providers\n" + String.join("\n", providers) + "\n");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void discoverRegistersTheActionsOfEveryProvider() throws IOException {
    Actions actions = Actions.discover(loaderListing(TestActionProviders.Good.class));

    assertThat(actions.names()).containsExactly("echo", "shout");
    assertThat(actions.get("echo")).isInstanceOf(Echo.class);
  }

  @Test
  void brokenProvidersAreSkippedAndTheRestLoaded() throws IOException {
    ClassLoader loader =
        loaderListingNames(
            TestActionProviders.Throwing.class.getName(),
            "dev.docket.internal.action.NoSuchProvider",
            TestActionProviders.FailsToConstruct.class.getName(),
            TestActionProviders.Good.class.getName());

    Actions actions = new Actions();
    assertThat(actions.loadProviders(loader)).containsExactly("echo", "shout");
    assertThat(actions.names()).containsExactly("echo", "shout");
  }

  @Test
  void clashingAndMalformedNamesAreSkippedOneByOne() throws IOException {
    Actions actions = new Actions();
    Echo mine = new Echo("echo");
    actions.register(mine);

    assertThat(actions.loadProviders(loaderListing(TestActionProviders.Clashing.class)))
        .containsExactly("whisper");
    assertThat(actions.get("echo")).isSameAs(mine);
    assertThat(actions.names()).containsExactly("echo", "whisper");
  }

  @Test
  void aLoaderWithoutProvidersFindsNothing() {
    assertThat(new Actions().loadProviders(getClass().getClassLoader())).isEmpty();
  }
}
