package dev.docket.rest;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response produced by the adapter.
 *
 * @param status the HTTP status code
 * @param contentType the body's media type; empty when there is no body
 * @param body the body bytes, possibly empty
 * @param headers further headers to send
 */
public record RestResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  public RestResponse {
    Objects.requireNonNull(contentType, "contentType");
    body = Objects.requireNonNull(body, "body").clone();
    headers = Map.copyOf(headers);
  }

  /** A response without a body. */
  public static RestResponse empty(int status) {
    return new RestResponse(status, "", new byte[0], Map.of());
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
