package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The table-driven character checks accept exactly what the documented patterns accept. */
class ChecksTest {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern QUEUE = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final Pattern FUNCTION = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

  /** Mostly allowed characters, with the near misses of every class mixed in. */
  private static final String ALPHABET = "aZz09._:-/@ A\u00e9\u0000\t#[]`{~^\\,;'\"+*=\u2603";

  private static boolean accepts(Runnable check) {
    try {
      check.run();
      return true;
    } catch (InvalidRequestException e) {
      return false;
    }
  }

  @Test
  void theTablesAgreeWithTheRegularExpressions() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 50_000; i++) {
      int length = random.nextInt(4) == 0 ? random.nextInt(60, 140) : random.nextInt(0, 6);
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < length; k++) {
        b.append(random.nextInt(3) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length())) : (char) ('a' + random.nextInt(26)));
      }
      String s = b.toString();
      assertThat(accepts(() -> Checks.id("f", s))).as("id %s", s).isEqualTo(ID.matcher(s).matches());
      assertThat(Checks.isId(s)).isEqualTo(ID.matcher(s).matches());
      assertThat(accepts(() -> Checks.queue("f", s))).as("queue %s", s).isEqualTo(QUEUE.matcher(s).matches());
      assertThat(accepts(() -> Checks.function("f", s))).as("function %s", s).isEqualTo(FUNCTION.matcher(s).matches());
    }
  }

  @Test
  void lengthBoundsAreExact() {
    assertThat(Checks.isId("a".repeat(128))).isTrue();
    assertThat(Checks.isId("a".repeat(129))).isFalse();
    assertThat(Checks.isId("")).isFalse();
    assertThat(accepts(() -> Checks.queue("q", "a".repeat(64)))).isTrue();
    assertThat(accepts(() -> Checks.queue("q", "a".repeat(65)))).isFalse();
    assertThat(accepts(() -> Checks.queue("q", "Default"))).isFalse();
  }
}
