package dev.docket.internal.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.jspecify.annotations.Nullable;

/** The engine's one shared {@link ObjectMapper}: handler results and argument binding. */
public final class Json {

  /** Thread-safe once configured. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .findAndRegisterModules()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  /** The value as a JSON tree; {@code null} becomes JSON null. */
  public static JsonNode toTree(@Nullable Object value) {
    if (value == null) {
      return NullNode.getInstance();
    }
    if (value instanceof JsonNode node) {
      return node.deepCopy();
    }
    return MAPPER.valueToTree(value);
  }

  /**
   * The size of the tree's compact JSON in bytes, as Jackson writes it in UTF-8 (a character
   * outside the BMP as two escapes), counted as it is written: no copy is kept, since args may be
   * hundreds of KiB.
   */
  public static int sizeInBytes(JsonNode node) {
    ByteCounter counter = new ByteCounter();
    try {
      MAPPER.writeValue(counter, node);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot serialise JSON tree", e);
    }
    return counter.count > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) counter.count;
  }

  /** An output stream that only counts. */
  private static final class ByteCounter extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** RFC 7386 JSON merge patch: the patch applied to {@code target}; neither is changed. */
  public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    com.fasterxml.jackson.databind.node.ObjectNode result =
        target.isObject() ? ((com.fasterxml.jackson.databind.node.ObjectNode) target).deepCopy() : MAPPER.createObjectNode();
    for (java.util.Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        JsonNode current = result.get(e.getKey());
        result.set(e.getKey(), mergePatch(current == null ? NullNode.getInstance() : current, e.getValue()));
      }
    }
    return result;
  }
}
