package dev.docket;

/**
 * A cron expression or a time zone was rejected. {@link #field()} is {@code schedule} for a bad
 * cron expression and {@code timezone} for an unknown zone id; the message names the part that is
 * wrong (for example {@code schedule: minute field '61' is out of range 0-59}).
 *
 * <p>It extends {@link InvalidRequestException}, so callers that handle every invalid request in
 * one place need no extra catch.
 */
public class InvalidScheduleException extends InvalidRequestException {

  /** The field name used for cron expressions. */
  public static final String SCHEDULE = "schedule";

  /** The field name used for time zone ids. */
  public static final String TIMEZONE = "timezone";

  /**
   * Creates the exception; the message becomes {@code field + ": " + message}.
   *
   * @param field {@link #SCHEDULE} or {@link #TIMEZONE} (or the caller's own field name)
   * @param message the rule that was broken
   */
  public InvalidScheduleException(String field, String message) {
    super(field, message);
  }
}
