package dev.docket.rest;

import dev.docket.Docket;
import dev.docket.jdbc.JdbcStore;
import dev.docket.rest.internal.Demo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The runnable server:
 *
 * <pre>
 * java -jar docket-server.jar --port 8080 --data ./docket-data --tokens tokens.properties [--demo]
 *      [--jdbc-url URL [--jdbc-user U --jdbc-password P]] [--host 0.0.0.0]
 * </pre>
 *
 * Embedded H2 in {@code --data} by default, PostgreSQL with {@code --jdbc-url}; listens on every
 * interface unless {@code --host} says otherwise. Without {@code --demo} the server runs no jobs
 * itself (producer only: other nodes with handlers run them) and knows the built-in actions (with
 * ports that log) so that their tasks can be created; with it, it also registers the demo handlers
 * {@code echo}, {@code sleep} and {@code fail} and runs 4 workers. Stops gracefully on SIGTERM.
 */
public final class RestMain {

  private RestMain() {}

  /** The parsed command line. */
  record Options(
      int port, String host, Path data, Path tokens, boolean demo, @Nullable String jdbcUrl,
      @Nullable String jdbcUser, @Nullable String jdbcPassword) {}

  static Options parse(String[] args) {
    int port = 8080;
    String host = "0.0.0.0";
    Path data = Path.of("docket-data");
    Path tokens = null;
    boolean demo = false;
    String url = null;
    String user = null;
    String password = null;
    List<String> a = new ArrayList<>(List.of(args));
    for (int i = 0; i < a.size(); i++) {
      String k = a.get(i);
      switch (k) {
        case "--demo" -> demo = true;
        case "--port", "--host", "--data", "--tokens", "--jdbc-url", "--jdbc-user", "--jdbc-password" -> {
          if (i + 1 >= a.size()) {
            throw new IllegalArgumentException(k + " needs a value");
          }
          String v = a.get(++i);
          switch (k) {
            case "--port" -> {
              try {
                port = Integer.parseInt(v);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port takes a number, was " + v);
              }
            }
            case "--host" -> host = v;
            case "--data" -> data = Path.of(v);
            case "--tokens" -> tokens = Path.of(v);
            case "--jdbc-url" -> url = v;
            case "--jdbc-user" -> user = v;
            default -> password = v;
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + k + "\n" + usage());
      }
    }
    if (tokens == null) {
      throw new IllegalArgumentException("--tokens is required\n" + usage());
    }
    return new Options(port, host, data, tokens, demo, url, user, password);
  }

  static String usage() {
    return "usage: java -jar docket-server.jar --port 8080 --data ./docket-data --tokens tokens.properties [--demo]"
        + " [--jdbc-url URL [--jdbc-user U --jdbc-password P]] [--host 0.0.0.0]";
  }

  /** Builds and starts the server the options describe; the caller closes it. */
  public static RestServer start(String[] args) {
    Options o = parse(args);
    TokenAuthenticator auth = TokenAuthenticator.load(o.tokens());
    JdbcStore store;
    if (o.jdbcUrl() != null) {
      store = JdbcStore.url(o.jdbcUrl(), o.jdbcUser(), o.jdbcPassword(), 16);
    } else {
      store = JdbcStore.h2(o.data());
    }
    Docket.Builder b = Docket.builder().store(store);
    if (o.demo()) {
      Demo.register(b).workers("default", 4);
    } else {
      // the API front of a cluster: it runs no jobs itself (nodes with handlers do), but scheduled
      // tasks of the built-in actions can be created and fire here
      Demo.loggingPorts(b).producerOnly();
    }
    Docket docket = b.build().start();
    try {
      return RestServer.builder(docket).authenticator(auth).host(o.host()).port(o.port()).ownsDocket().build().start();
    } catch (RuntimeException e) {
      docket.close();
      throw e;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    RestServer server;
    try {
      server = start(args);
    } catch (RuntimeException e) {
      System.err.println("docket-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "docket-shutdown"));
    System.out.println("Docket server listening on port " + server.port());
    stopped.await();
  }
}
