package dev.docket.rest;

import dev.docket.Docket;
import dev.docket.rest.internal.Api;
import java.util.List;
import java.util.Objects;

/**
 * The REST API of REST.md as a plain function from request to response, so that a host can mount
 * it in the HTTP server it already runs: hand each request to {@link #handle(RestRequest)}. Every
 * call is authenticated and goes through {@code docket.as(principal)}; the adapter adds no rules
 * of its own. Thread-safe.
 */
public final class RestApi {

  /** Largest request body accepted, in bytes ({@code 413} past it). */
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  private final Api api;

  private RestApi(Api api) {
    this.api = api;
  }

  /** The API of {@code docket}, authenticating with {@code authenticator}. */
  public static RestApi of(Docket docket, Authenticator authenticator) {
    return of(docket, authenticator, DEFAULT_MAX_BODY_BYTES);
  }

  /** The same with another body limit. */
  public static RestApi of(Docket docket, Authenticator authenticator, int maxBodyBytes) {
    Objects.requireNonNull(docket, "docket");
    Objects.requireNonNull(authenticator, "authenticator");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1");
    }
    return new RestApi(new Api(docket, authenticator, maxBodyBytes));
  }

  /** Answers one request; never throws for a bad request (errors are problem+json responses). */
  public RestResponse handle(RestRequest request) {
    return api.handle(Objects.requireNonNull(request, "request"));
  }

  /** The largest body this API accepts. */
  public int maxBodyBytes() {
    return api.maxBodyBytes();
  }

  /** The routes served, as {@code "METHOD /template"}. */
  public List<String> routes() {
    return api.routeTable();
  }
}
