package dev.docket.rest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as the adapter sees it, independent of any server.
 *
 * @param method the HTTP method, upper case
 * @param rawPath the path as sent, still percent-encoded, without the query
 * @param rawQuery the query string as sent (without {@code ?}), possibly empty
 * @param headers the headers; names are matched case-insensitively
 * @param body the body bytes, possibly empty
 */
public record RestRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

  public RestRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    Objects.requireNonNull(rawQuery, "rawQuery");
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Objects.requireNonNull(headers, "headers").forEach((k, v) -> h.put(k, List.copyOf(v)));
    headers = java.util.Collections.unmodifiableMap(h);
    body = Objects.requireNonNull(body, "body").clone();
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    if (v == null) {
      v = headers.get(name);
    }
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
