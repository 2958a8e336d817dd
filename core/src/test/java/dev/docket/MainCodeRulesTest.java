package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** House rules that a compiler does not check: time comes from the Clock; API never imports internal. */
class MainCodeRulesTest {

  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern WALL_CLOCK =
      Pattern.compile("Instant\\.now\\(|System\\.currentTimeMillis\\(|Thread\\.sleep\\(|LocalDateTime\\.now\\(");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void mainCodeReadsTimeOnlyFromTheInjectedClock() throws IOException {
    for (Path p : sources()) {
      assertThat(WALL_CLOCK.matcher(Files.readString(p)).find()).as("%s uses the wall clock", p).isFalse();
    }
  }

  @Test
  void apiAndSpiNeverImportInternal() throws IOException {
    for (Path p : sources()) {
      String rel = MAIN.relativize(p).toString().replace('\\', '/');
      if (!rel.contains("/internal/") && !rel.equals("dev/docket/Docket.java")) {
        assertThat(Files.readString(p)).as("%s imports internal", rel).doesNotContain("dev.docket.internal");
      }
    }
  }
}
