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
}
