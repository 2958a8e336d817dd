package dev.docket;

/**
 * Shared input rules of the public values. The character classes are tables, not regular
 * expressions: ids are checked on every job a store reads back, so the check is on the hot path.
 */
final class Checks {

  /** Ids (job, correlation, node, task): what is safe in a URL path segment and a log line. */
  private static final boolean[] ID = table("A-Za-z0-9._:-");

  /** Queue names, as the REST contract fixes them. */
  private static final boolean[] QUEUE = table("a-z0-9_-");

  /** Function (handler) names: printable, no whitespace, bounded. */
  private static final boolean[] FUNCTION = table("A-Za-z0-9._:/@-");

  private Checks() {}

  /** The ASCII characters of a class written as in a regex: ranges {@code a-z} and single characters. */
  private static boolean[] table(String spec) {
    boolean[] t = new boolean[128];
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
        for (char x = c; x <= spec.charAt(i + 2); x++) {
          t[x] = true;
        }
        i += 2;
      } else {
        t[c] = true;
      }
    }
    return t;
  }

  private static boolean matches(boolean[] table, int max, String value) {
    int n = value.length();
    if (n == 0 || n > max) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !table[c]) {
        return false;
      }
    }
    return true;
  }

  /** 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
  static boolean isId(String value) {
    return matches(ID, 128, value);
  }

  static String id(String field, String value) {
    if (value == null) {
      throw new InvalidRequestException(field, "must not be null");
    }
    if (!isId(value)) {
      throw new InvalidRequestException(
          field, "'" + abbreviate(value) + "' must be 1 to 128 characters of [A-Za-z0-9._:-]");
    }
    return value;
  }

  static String queue(String field, String value) {
    if (value == null) {
      throw new InvalidRequestException(field, "must not be null");
    }
    if (!matches(QUEUE, 64, value)) {
      throw new InvalidRequestException(
          field, "'" + abbreviate(value) + "' must be 1 to 64 characters of [a-z0-9_-]");
    }
    return value;
  }

  static String function(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, "must not be blank");
    }
    if (!matches(FUNCTION, 128, value)) {
      throw new InvalidRequestException(
          field, "'" + abbreviate(value) + "' must be 1 to 128 characters of [A-Za-z0-9._:/@-]");
    }
    return value;
  }

  static String abbreviate(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
