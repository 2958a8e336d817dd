package dev.docket.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** House rules a compiler does not check, for this module's main code. */
class DocketMetersSourceRulesTest {

  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern WALL_CLOCK =
      Pattern.compile("Instant\\.now\\(|System\\.currentTimeMillis\\(|Thread\\.sleep\\(|LocalDateTime\\.now\\(");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void mainCodeNeverReadsTheWallClockAndNeverImportsCoreInternals() throws IOException {
    List<Path> sources = sources();
    assertThat(sources).isNotEmpty();
    for (Path p : sources) {
      String text = Files.readString(p);
      assertThat(WALL_CLOCK.matcher(text).find()).as("%s uses the wall clock", p).isFalse();
      assertThat(text).as("%s imports core internals", p).doesNotContain("dev.docket.internal");
    }
  }

  @Test
  void everyPackageIsNullMarked() throws IOException {
    for (Path p : sources()) {
      Path info = p.resolveSibling("package-info.java");
      assertThat(info).as("package-info beside %s", p).exists();
      assertThat(Files.readString(info)).contains("@NullMarked");
    }
  }
}
