package dev.docket.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A small real-HTTP client for the tests. */
final class Http {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** A response: status, headers, body as text and JSON. */
  record Res(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    String text(String field) {
      return json().path(field).asText();
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  Res get(String token, String path) {
    return send("GET", token, path, null, "application/json");
  }

  Res post(String token, String path, @Nullable String body) {
    return send("POST", token, path, body, "application/json");
  }

  Res patch(String token, String path, String body) {
    return send("PATCH", token, path, body, "application/merge-patch+json");
  }

  Res delete(String token, String path) {
    return send("DELETE", token, path, null, "application/json");
  }

  Res send(String method, @Nullable String token, String path, @Nullable String body, String contentType) {
    return send(method, token, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), contentType, "application/json");
  }

  Res send(String method, @Nullable String token, String path, byte @Nullable [] body, String contentType, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", accept)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
