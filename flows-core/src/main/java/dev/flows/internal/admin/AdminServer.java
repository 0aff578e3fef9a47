package dev.flows.internal.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flows.FlowsException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoints of a runtime, on the JDK's HTTP server (no web framework for a few
 * read-only routes): {@code /health/live}, {@code /health/ready} (200 or 503 with a JSON body of
 * every flow's status), {@code /metrics} (Prometheus text) and the {@link TopologyPage} ({@code
 * /topology}, {@code /topology.json}). Http flows add their {@link PostRoute}s: one port per
 * container.
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

  /** Threads answering {@link PostRoute} requests (http flows), shared by all routes: {@value}. */
  public static final int ROUTE_THREADS = 64;

  /** Route requests that may wait for a thread; beyond them a request is answered 503: {@value}. */
  public static final int ROUTE_QUEUE = 1_000;

  /**
   * How long {@link #close()} lets route requests finish writing their answers: {@value} seconds.
   */
  public static final long ROUTE_DRAIN_SECONDS = 5;

  private static final String NO_DELAY = "sun.net.httpserver.nodelay";

  static {
    // The JDK server writes headers and body apart; with Nagle's algorithm on, every answer on a
    // kept-alive connection then waits ~40 ms for the client's delayed ACK (measured: 45 ms vs 1.6
    // ms
    // per sequential POST). Read once, when the first JDK HttpServer of the JVM is created.
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService routePool;

  private AdminServer(HttpServer server, ExecutorService routePool) {
    this.server = server;
    this.routePool = routePool;
  }

  /**
   * Serves {@code probes}, the topology page of {@code topologyJson} (the runtime's {@code
   * Lineage}) and {@code routes} on {@code port} (0: a free one) of every interface; returns once
   * bound. Route requests run on a bounded pool ({@value #ROUTE_THREADS} threads), never on the
   * admin thread.
   */
  public static AdminServer start(
      int port, Probes probes, List<PostRoute> routes, String topologyJson) {
    TopologyPage topology = TopologyPage.of(topologyJson);
    ThreadPoolExecutor routePool =
        new ThreadPoolExecutor(
            ROUTE_THREADS,
            ROUTE_THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(ROUTE_QUEUE),
            daemon("flows-http-"));
    routePool.allowCoreThreadTimeOut(true);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/health/live", e -> health(e, probes::live, probes::statusJson));
      server.createContext("/health/ready", e -> health(e, probes::ready, probes::statusJson));
      server.createContext("/metrics", e -> respond(e, 200, PROMETHEUS_TEXT, probes.scrape()));
      server.createContext(TopologyPage.PATH, topology::serve);
      routes.forEach(
          route ->
              server.createContext(route.path(), e -> RouteExchange.serve(e, route, routePool)));
      server.setExecutor(Executors.newSingleThreadExecutor(daemon("flows-admin-http")));
      server.start();
      return new AdminServer(server, routePool);
    } catch (IOException e) {
      routePool.shutdownNow();
      throw new FlowsException(
          "cannot serve the admin HTTP endpoints on port "
              + port
              + " (FLOWS_HTTP_PORT): "
              + e.getMessage(),
          e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange exchange, BooleanSupplier check, Supplier<String> status)
      throws IOException {
    boolean ok = check.getAsBoolean();
    respond(
        exchange,
        ok ? 200 : 503,
        JSON,
        "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"flows\":" + status.get() + "}");
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body)
      throws IOException {
    respond(exchange, code, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers a GET with {@code bytes}, any other method with 405; closes the exchange. */
  static void respond(HttpExchange exchange, int code, String contentType, byte[] bytes)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Stops serving: route requests still running get up to {@value #ROUTE_DRAIN_SECONDS} s to write
   * their answers (their flows already stopped taking new ones), then everything stops at once.
   */
  @Override
  public void close() {
    routePool.shutdown();
    try {
      routePool.awaitTermination(ROUTE_DRAIN_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
    routePool.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name.endsWith("-") ? name + count.incrementAndGet() : name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
