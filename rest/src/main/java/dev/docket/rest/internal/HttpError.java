package dev.docket.rest.internal;

import java.util.List;

/** An error the adapter itself answers with (a status, a detail and field errors). */
public final class HttpError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** One offending field. */
  public record FieldError(String field, String message) {}

  private final int status;
  private final transient List<FieldError> errors;

  public HttpError(int status, String detail) {
    this(status, detail, List.of());
  }

  public HttpError(int status, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  /** A 400 naming one field. */
  public static HttpError field(String field, String message) {
    return new HttpError(400, field + ": " + message, List.of(new FieldError(field, message)));
  }

  public int status() {
    return status;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
