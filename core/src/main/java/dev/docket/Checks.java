package dev.docket;

import java.util.regex.Pattern;

/** Shared input rules of the public values. */
final class Checks {

  /** Ids (job, correlation, node, task): what is safe in a URL path segment and a log line. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Queue names, as the REST contract fixes them. */
  static final Pattern QUEUE = Pattern.compile("[a-z0-9_-]{1,64}");

  /** Function (handler) names: printable, no whitespace, bounded. */
  static final Pattern FUNCTION = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

  private Checks() {}

  static String id(String field, String value) {
    if (value == null) {
      throw new InvalidRequestException(field, "must not be null");
    }
    if (!ID.matcher(value).matches()) {
      throw new InvalidRequestException(
          field, "'" + abbreviate(value) + "' must be 1 to 128 characters of [A-Za-z0-9._:-]");
    }
    return value;
  }

  static String queue(String field, String value) {
    if (value == null) {
      throw new InvalidRequestException(field, "must not be null");
    }
    if (!QUEUE.matcher(value).matches()) {
      throw new InvalidRequestException(
          field, "'" + abbreviate(value) + "' must be 1 to 64 characters of [a-z0-9_-]");
    }
    return value;
  }

  static String function(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, "must not be blank");
    }
    if (!FUNCTION.matcher(value).matches()) {
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
