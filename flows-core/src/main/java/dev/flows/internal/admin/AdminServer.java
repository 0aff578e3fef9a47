package dev.flows.internal.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flows.FlowsException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoints of a runtime, on the JDK's HTTP server (no web framework for three
 * read-only routes): {@code /health/live}, {@code /health/ready} (200 or 503 with a JSON body of
 * every flow's status) and {@code /metrics} (Prometheus text).
 */
public final class AdminServer implements AutoCloseable {
  private static final String JSON = "application/json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** What the endpoints report. */
  public interface Probes {
    /** Whether every flow's loop is making progress. */
    boolean live();

    /** Whether every flow is assigned, connected and healthy. */
    boolean ready();

    /** Every flow's status as a JSON array. */
    String statusJson();

    /** The metrics in Prometheus text format. */
    String scrape();
  }

  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  /** Serves {@code probes} on {@code port} (0: a free one) of every interface; returns once bound. */
  public static AdminServer start(int port, Probes probes) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/health/live", e -> health(e, probes::live, probes::statusJson));
      server.createContext("/health/ready", e -> health(e, probes::ready, probes::statusJson));
      server.createContext("/metrics", e -> respond(e, 200, PROMETHEUS_TEXT, probes.scrape()));
      server.setExecutor(Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "flows-admin-http");
        thread.setDaemon(true);
        return thread;
      }));
      server.start();
      return new AdminServer(server);
    } catch (IOException e) {
      throw new FlowsException("cannot serve the admin HTTP endpoints on port " + port + " (FLOWS_HTTP_PORT): " + e.getMessage(), e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange exchange, BooleanSupplier check, Supplier<String> status) throws IOException {
    boolean ok = check.getAsBoolean();
    respond(exchange, ok ? 200 : 503, JSON, "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"flows\":" + status.get() + "}");
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
