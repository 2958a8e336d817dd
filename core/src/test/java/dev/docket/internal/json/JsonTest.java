package dev.docket.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void sizeInBytesCountsTheBytesJacksonWritesWithoutKeepingThem() throws Exception {
    JsonNode ascii = JsonNodeFactory.instance.objectNode().put("i", 1);
    assertThat(Json.sizeInBytes(ascii)).isEqualTo(7); // {"i":1}
    // as Jackson writes UTF-8: e-acute in 2 bytes, the escaped quote in 2, and a character outside
    // the BMP (a surrogate pair in Java) as two 6-byte escapes
    JsonNode multi = JsonNodeFactory.instance.objectNode().put("s", "\u00e9\uD83D\uDE00\"").set("n", null);
    assertThat(Json.sizeInBytes(multi)).isEqualTo(Json.MAPPER.writeValueAsBytes(multi).length).isEqualTo(33);
    assertThat(Json.MAPPER.writeValueAsString(multi).getBytes(StandardCharsets.UTF_8)).hasSize(25);
    JsonNode big = JsonNodeFactory.instance.textNode("x".repeat(300_000));
    assertThat(Json.sizeInBytes(big)).isEqualTo(300_002);
  }

  @Test
  void fitsInAgreesWithTheExactSizeJustBelowAtAndJustAboveIt() throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    com.fasterxml.jackson.databind.node.ObjectNode nested = f.objectNode().put("i", 1);
    nested.putArray("a").add(1.5).add(Double.NaN).add(-Long.MAX_VALUE).add(new java.math.BigDecimal("1E+400"))
        .add(new java.math.BigInteger("123456789012345678901234567890")).add(true).addNull().add("\u0001\"\t");
    nested.putObject("o").put("\u00e9\uD83D\uDE00", "\uD83D\uDE00\u00e9 text").putObject("deeper").putArray("empty");
    nested.put("bytes", new byte[] {1, 2, 3, 4, 5});
    nested.putPOJO("pojo", java.util.Map.of("k", "v"));
    java.util.List<JsonNode> nodes =
        java.util.List.of(
            f.objectNode(),
            f.arrayNode(),
            f.textNode(""),
            f.textNode("x".repeat(1_000)),
            f.numberNode(Integer.MIN_VALUE),
            f.nullNode(),
            nested,
            f.objectNode().put("pad", "\u0000".repeat(100)),
            f.objectNode().put("pad", "\uD83D\uDE00".repeat(100)));
    for (JsonNode n : nodes) {
      int size = Json.MAPPER.writeValueAsBytes(n).length;
      assertThat(Json.sizeInBytes(n)).as("%s", n).isEqualTo(size);
      assertThat(Json.fitsIn(n, size)).as("%s at its size %d", n, size).isTrue();
      assertThat(Json.fitsIn(n, size + 1)).as("%s above its size", n).isTrue();
      assertThat(Json.fitsIn(n, size - 1)).as("%s below its size %d", n, size).isFalse();
    }
  }
}
