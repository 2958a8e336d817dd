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

  /**
   * Whether the tree's compact JSON ({@link #sizeInBytes}) is at most {@code limit} bytes. A walk
   * of the tree first bounds the size from above (6 bytes per character of text, the most an
   * escape takes; the longest text of each kind of number); only when that bound is over the limit
   * is the JSON counted exactly. The common small args are so checked without being serialised a
   * second time (the store serialises them for the row).
   */
  public static boolean fitsIn(JsonNode node, int limit) {
    long bound = upperBound(node, limit);
    return bound <= limit || sizeInBytes(node) <= limit;
  }

  /** What {@link #upperBound} returns once the bound passes the limit, or is unknown. */
  private static final long OVER = Long.MAX_VALUE;

  /** An upper bound of the node's size, or {@link #OVER} as soon as it passes {@code limit}. */
  private static long upperBound(JsonNode node, long limit) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        long n = 2 + Math.max(0, node.size() - 1);
        for (java.util.Map.Entry<String, JsonNode> e : node.properties()) {
          n += 2 + 6L * e.getKey().length() + 1;
          long v = n > limit ? OVER : upperBound(e.getValue(), limit - n);
          if (v == OVER || (n += v) > limit) {
            return OVER;
          }
        }
        return n;
      }
      case ARRAY -> {
        long n = 2 + Math.max(0, node.size() - 1);
        for (JsonNode e : node) {
          long v = upperBound(e, limit - n);
          if (v == OVER || (n += v) > limit) {
            return OVER;
          }
        }
        return n;
      }
      case STRING -> {
        return 2 + 6L * node.textValue().length();
      }
      case BOOLEAN -> {
        return 5;
      }
      case NULL -> {
        return 4;
      }
      case MISSING -> {
        return 0;
      }
      case NUMBER -> {
        if (node.isInt() || node.isLong() || node.isShort()) {
          return 20; // Long.MIN_VALUE
        }
        if (node.isDouble() || node.isFloat()) {
          return 32; // Double.toString's longest, or a quoted "-Infinity"
        }
        return 2L + node.asText().length() * 2L; // BigInteger, BigDecimal: their text, with room
      }
      default -> {
        return OVER; // binary, POJO: count exactly
      }
    }
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
