package dev.docket.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.docket.Docket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link RestApi} on the JDK's built-in HTTP server. Build with {@link #builder(Docket)},
 * then {@link #start()}; {@link #close()} stops accepting, lets requests in flight finish (up to
 * the stop grace) and, when the server owns the engine, closes it. Thread-safe.
 */
public final class RestServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RestServer.class);

  static {
    // the JDK server waits for a slow client forever by default: bound reading a request and
    // writing a response (read once, when the JDK's server configuration loads)
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", "30");
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", "60");
    }
  }

  private final Builder b;
  private final RestApi api;
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable HttpServer server;
  private @Nullable ExecutorService executor;

  private RestServer(Builder b) {
    this.b = b;
    this.api = RestApi.of(b.docket, Objects.requireNonNull(b.authenticator, "authenticator"), b.maxBodyBytes);
  }

  /** Starts configuring a server for {@code docket}. */
  public static Builder builder(Docket docket) {
    return new Builder(Objects.requireNonNull(docket, "docket"));
  }

  /** Binds the port and starts serving. */
  public synchronized RestServer start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(b.host, b.port), 128);
      AtomicInteger n = new AtomicInteger();
      ThreadFactory tf =
          r -> {
            Thread t = new Thread(r, "docket-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      ExecutorService ex =
          new java.util.concurrent.ThreadPoolExecutor(
              b.threads, b.threads, 60, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(1_000), tf);
      s.setExecutor(ex);
      s.createContext("/", this::exchange);
      s.start();
      server = s;
      executor = ex;
      log.info("Docket REST server listening on {}:{}", b.host, port());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + b.host + ":" + b.port, e);
    }
  }

  /** The port it listens on (the chosen one when built with port 0). */
  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.getAddress().getPort();
  }

  /** The API this server serves. */
  public RestApi api() {
    return api;
  }

  private void exchange(HttpExchange x) throws IOException {
    try {
      RestResponse r = respond(x);
      x.getResponseHeaders().set("Cache-Control", "no-store");
      x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        x.getResponseHeaders().set(h.getKey(), h.getValue());
      }
      byte[] body = r.body();
      if (!r.contentType().isEmpty()) {
        x.getResponseHeaders().set("Content-Type", r.contentType());
      }
      boolean noBody = body.length == 0 || "HEAD".equals(x.getRequestMethod());
      x.sendResponseHeaders(r.status(), noBody ? -1 : body.length);
      if (!noBody) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("request failed: {}", e.toString());
    } finally {
      x.close();
    }
  }

  private RestResponse respond(HttpExchange x) throws IOException {
    String declared = x.getRequestHeaders().getFirst("Content-Length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.strip());
      } catch (NumberFormatException e) {
        length = -1;
      }
    }
    byte[] body;
    try (InputStream in = x.getRequestBody()) {
      if (length > b.maxBodyBytes) {
        drain(in);
        return tooLarge();
      }
      body = in.readNBytes(b.maxBodyBytes + 1);
      if (body.length > b.maxBodyBytes) {
        drain(in);
        return tooLarge();
      }
    }
    URI uri = x.getRequestURI();
    String rawQuery = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    return api.handle(new RestRequest(x.getRequestMethod(), uri.getRawPath() == null ? "/" : uri.getRawPath(),
        rawQuery, x.getRequestHeaders(), body));
  }

  /** Reads and drops what is left of an oversize body (up to 4 MiB), so the client reads our 413. */
  private static void drain(InputStream in) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long left = 4L * 1024 * 1024;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  private RestResponse tooLarge() {
    String json =
        "{\"type\":\"about:blank\",\"title\":\"Payload Too Large\",\"status\":413,\"detail\":\"the body is larger than "
            + b.maxBodyBytes + " bytes\",\"errors\":[]}";
    return new RestResponse(413, "application/problem+json", json.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** Stops serving (requests in flight get the stop grace), then closes the engine if owned. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    HttpServer s = server;
    if (s != null) {
      log.info("Docket REST server stopping…");
      s.stop((int) Math.max(0, Math.min(60, b.stopGraceSeconds)));
    }
    ExecutorService ex = executor;
    if (ex != null) {
      ex.shutdown();
      try {
        ex.awaitTermination(b.stopGraceSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (b.ownsDocket) {
      b.docket.close();
    }
    log.info("Docket REST server stopped");
  }

  /** Configures a {@link RestServer}. Not thread-safe. */
  public static final class Builder {
    private final Docket docket;
    private @Nullable Authenticator authenticator;
    private String host = "127.0.0.1";
    private int port = 8080;
    private int threads = 16;
    private int maxBodyBytes = RestApi.DEFAULT_MAX_BODY_BYTES;
    private long stopGraceSeconds = 2;
    private boolean ownsDocket;

    private Builder(Docket docket) {
      this.docket = docket;
    }

    /** Who the callers are (required). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** The address to bind; {@code 127.0.0.1} by default ({@code 0.0.0.0} for all interfaces). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 8080 by default, 0 for any free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be within 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Request threads; 16 by default. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 1_000) {
        throw new IllegalArgumentException("threads must be within 1..1000, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Largest request body; 1 MiB by default ({@code 413} past it). */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be >= 1");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** How long {@code close()} lets requests in flight finish; 2 s by default. */
    public Builder stopGraceSeconds(long seconds) {
      this.stopGraceSeconds = Math.max(0, seconds);
      return this;
    }

    /** Makes {@code close()} close the engine too. */
    public Builder ownsDocket() {
      this.ownsDocket = true;
      return this;
    }

    public RestServer build() {
      return new RestServer(this);
    }
  }
}
