package dev.docket;

import java.util.Objects;

/**
 * A request was rejected before anything was written because one of its fields broke a rule.
 * {@link #field()} names the field (as the Java API spells it, e.g. {@code maxAttempts}).
 */
public class InvalidRequestException extends DocketException {

  private final String field;

  public InvalidRequestException(String field, String message) {
    super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(message, "message"));
    this.field = field;
  }

  /** The name of the offending field. */
  public String field() {
    return field;
  }

  /** The rule that was broken, without the field-name prefix. */
  public String reason() {
    return getMessage().substring(field.length() + 2);
  }
}
