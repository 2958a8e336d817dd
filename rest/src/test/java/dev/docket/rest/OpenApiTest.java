package dev.docket.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.Docket;
import dev.docket.memory.InMemoryStore;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists exactly the routes the adapter serves, and the server serves it. */
class OpenApiTest {

  @Test
  void everyRouteServedIsDocumentedAndEveryDocumentedRouteIsServed() {
    try (Docket docket = Docket.builder().store(new InMemoryStore()).producerOnly().build();
        RestServer server = RestServer.builder(docket).authenticator(Servers.TOKENS).port(0).build().start()) {
      Http.Res r = new Http(server.port()).get(null, "/v1/openapi.json");
      assertThat(r.status()).isEqualTo(200);
      JsonNode doc = r.json();
      assertThat(doc.path("openapi").asText()).startsWith("3.");
      Set<String> documented = new TreeSet<>();
      for (Map.Entry<String, JsonNode> p : doc.path("paths").properties()) {
        for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
          String m = methods.next();
          if (Set.of("get", "post", "put", "patch", "delete").contains(m)) {
            documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
          }
        }
      }
      assertThat(documented).isEqualTo(new TreeSet<>(server.api().routes()));
      assertThat(documented).hasSize(22); // the 21 endpoints of REST.md and the document itself
    }
  }
}
