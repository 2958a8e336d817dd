package dev.docket.rest.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Strict JSON request bodies: an object, known fields only, each of the right type. */
final class Bodies {

  static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    MAPPER.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    MAPPER.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).maxNumberLength(100).build());
  }

  private Bodies() {}

  /** The body as a JSON object with only the {@code allowed} fields; an empty body is {@code {}} when allowed. */
  static ObjectNode object(byte[] body, Set<String> allowed, boolean emptyAllowed) {
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      if (emptyAllowed) {
        return MAPPER.createObjectNode();
      }
      throw new HttpError(400, "the request needs a JSON object body");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new HttpError(400, "unreadable body");
    }
    if (node == null || !node.isObject()) {
      throw new HttpError(400, "the body must be a JSON object");
    }
    ObjectNode o = (ObjectNode) node;
    only(o, allowed, "");
    return o;
  }

  static void only(ObjectNode o, Set<String> allowed, String prefix) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw HttpError.field(prefix + f, "is not a known field; allowed: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static @Nullable JsonNode present(ObjectNode o, String f) {
    JsonNode n = o.get(f);
    return n == null || n.isNull() ? null : n;
  }

  static String string(ObjectNode o, String field, String prefix) {
    return optString(o, field, prefix).orElseThrow(() -> HttpError.field(prefix + field, "is required"));
  }

  static Optional<String> optString(ObjectNode o, String field, String prefix) {
    JsonNode n = present(o, field);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw HttpError.field(prefix + field, "must be a string");
    }
    return Optional.of(n.textValue());
  }

  static Optional<Integer> optInt(ObjectNode o, String field, String prefix) {
    JsonNode n = present(o, field);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw HttpError.field(prefix + field, "must be an integer");
    }
    return Optional.of(n.intValue());
  }

  static Optional<Boolean> optBool(ObjectNode o, String field, String prefix) {
    JsonNode n = present(o, field);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      throw HttpError.field(prefix + field, "must be true or false");
    }
    return Optional.of(n.booleanValue());
  }

  /** A duration in seconds (a number, possibly fractional) within {@code min..max}. */
  static Optional<Duration> optSeconds(ObjectNode o, String field, String prefix, double min, boolean minExclusive, double max) {
    JsonNode n = present(o, field);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isNumber()) {
      throw HttpError.field(prefix + field, "must be a number of seconds");
    }
    double v = n.doubleValue();
    if (Double.isNaN(v) || (minExclusive ? v <= min : v < min) || v > max) {
      throw HttpError.field(
          prefix + field, "must be " + (minExclusive ? "> " : ">= ") + fmt(min) + " and <= " + fmt(max) + ", was " + n.asText());
    }
    return Optional.of(Duration.ofNanos(Math.round(v * 1e9)));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static Optional<Instant> optInstant(ObjectNode o, String field, String prefix) {
    Optional<String> s = optString(o, field, prefix);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.OffsetDateTime.parse(s.get()).toInstant());
    } catch (DateTimeParseException e) {
      throw HttpError.field(prefix + field, "must be an ISO-8601 time such as 2026-11-30T08:00:00Z");
    }
  }

  static Optional<ObjectNode> optObject(ObjectNode o, String field, String prefix) {
    JsonNode n = present(o, field);
    if (n == null) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      throw HttpError.field(prefix + field, "must be a JSON object");
    }
    return Optional.of((ObjectNode) n);
  }
}
