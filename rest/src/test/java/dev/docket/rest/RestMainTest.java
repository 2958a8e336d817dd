package dev.docket.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server's command line, and a graceful stop on SIGTERM in a real child JVM. */
class RestMainTest {

  @TempDir Path dir;

  /** Copies a child's output into {@code into} on a thread of its own. */
  private static Thread drain(Process p, StringBuffer into) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  into.append(line).append('\n');
                }
              } catch (java.io.IOException e) {
                into.append("[output closed: ").append(e).append("]\n");
              }
            },
            "child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void theCommandLineIsCheckedWithClearErrors() {
    assertThatThrownBy(() -> RestMain.parse(new String[] {"--port", "8080"})).hasMessageContaining("--tokens is required");
    assertThatThrownBy(() -> RestMain.parse(new String[] {"--tokens", "t", "--colour", "red"})).hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> RestMain.parse(new String[] {"--tokens", "t", "--port", "x"})).hasMessageContaining("--port takes a number");
    assertThatThrownBy(() -> RestMain.parse(new String[] {"--tokens"})).hasMessageContaining("--tokens needs a value");
    RestMain.Options o = RestMain.parse(new String[] {"--port", "9", "--data", "d", "--tokens", "t", "--demo", "--jdbc-url", "jdbc:x", "--jdbc-user", "u", "--jdbc-password", "p"});
    assertThat(o.port()).isEqualTo(9);
    assertThat(o.demo()).isTrue();
    assertThat(o.jdbcUrl()).isEqualTo("jdbc:x");
  }

  @Test
  void theTokensFileIsParsedStrictly() {
    TokenAuthenticator a = TokenAuthenticator.parse(List.of("# comment", "", "t1=alice:user", "t2=carol:user, approver", "t3=root:admin"), "f");
    assertThat(a.size()).isEqualTo(3);
    assertThat(a.authenticate("t2").orElseThrow().roles()).hasSize(2);
    assertThat(a.authenticate("nope")).isEmpty();
    assertThatThrownBy(() -> TokenAuthenticator.parse(List.of("t=alice:wizard"), "f")).hasMessageContaining("line 1").hasMessageContaining("wizard");
    assertThatThrownBy(() -> TokenAuthenticator.parse(List.of("t=system:admin"), "f")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> TokenAuthenticator.parse(List.of("garbage"), "f")).hasMessageContaining("expected");
    assertThatThrownBy(() -> TokenAuthenticator.parse(List.of("t=a:user", "t=b:user"), "f")).hasMessageContaining("twice");
  }

  @Test
  void theServerStartsFromTheCommandLineAndStopsGracefullyOnSigterm() throws Exception {
    Path tokens = dir.resolve("tokens.properties");
    Files.writeString(tokens, "alice-token=alice:user\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RestMain.class.getName(),
                "--port", Integer.toString(port), "--data", dir.resolve("data").toString(), "--tokens", tokens.toString(), "--demo")
            .redirectErrorStream(true)
            .start();
    StringBuffer output = new StringBuffer();
    Thread reader = drain(p, output);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> output.toString().contains("listening on port " + port));
      Http http = new Http(port);
      Http.Res r = http.post("alice-token", "/v1/queue/jobs", "{\"function\": \"sleep\", \"args\": {\"seconds\": 0.2}}");
      assertThat(r.status()).isEqualTo(201);
      String id = r.text("job_id");
      await().atMost(Duration.ofSeconds(20)).until(() -> http.get("alice-token", "/v1/queue/jobs/" + id).text("status").equals("succeeded"));
      p.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of its output)
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      assertThat(output.toString()).contains("REST server stopped");
    } finally {
      p.destroyForcibly();
    }
    // the data survived the stop
    Process again =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RestMain.class.getName(),
                "--port", Integer.toString(port), "--data", dir.resolve("data").toString(), "--tokens", tokens.toString())
            .redirectErrorStream(true)
            .start();
    StringBuffer output2 = new StringBuffer();
    drain(again, output2);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> output2.toString().contains("listening on port"));
      Http.Res list = new Http(port).get("alice-token", "/v1/queue/jobs");
      assertThat(list.json().path("items")).hasSize(1);
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
      again.destroyForcibly();
    }
  }
}
