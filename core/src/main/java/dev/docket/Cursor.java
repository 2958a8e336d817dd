package dev.docket;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * An opaque position in a list, handed out as {@link Page#next()} and given back to fetch the next
 * page. Lists are ordered newest first by (creation time, id); a cursor is the last item seen.
 *
 * @param value the opaque text form
 */
public record Cursor(String value) {

  private static final String VERSION = "v1";

  public Cursor {
    Objects.requireNonNull(value, "cursor");
    decode(value);
  }

  /**
   * Parses a cursor from its text form.
   *
   * @throws InvalidRequestException naming {@code cursor} when it is not one Docket handed out
   */
  public static Cursor of(String value) {
    return new Cursor(value);
  }

  /** The cursor positioned at an item created at {@code createdAt} with id {@code id}. */
  public static Cursor after(Instant createdAt, String id) {
    String raw = VERSION + "|" + createdAt.getEpochSecond() + "|" + createdAt.getNano() + "|" + id;
    return new Cursor(
        Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
  }

  /** The creation time of the last item seen. */
  public Instant createdAt() {
    String[] p = decode(value);
    return Instant.ofEpochSecond(Long.parseLong(p[1]), Long.parseLong(p[2]));
  }

  /** The id of the last item seen. */
  public String id() {
    return decode(value)[3];
  }

  private static String[] decode(String value) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      String[] p = raw.split("\\|", 4);
      if (p.length != 4 || !VERSION.equals(p[0]) || !Checks.isId(p[3])) {
        throw malformed(value);
      }
      long seconds = Long.parseLong(p[1]);
      long nanos = Long.parseLong(p[2]);
      if (nanos < 0 || nanos > 999_999_999) {
        throw malformed(value);
      }
      Instant.ofEpochSecond(seconds, nanos);
      return p;
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw malformed(value);
    }
  }

  private static InvalidRequestException malformed(String value) {
    return new InvalidRequestException(
        "cursor", "'" + Checks.abbreviate(value) + "' is not a cursor handed out by a list call");
  }

  @Override
  public String toString() {
    return value;
  }
}
