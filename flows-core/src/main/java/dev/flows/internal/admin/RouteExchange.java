package dev.flows.internal.admin;

import com.sun.net.httpserver.HttpExchange;
import dev.flows.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one request of a {@link PostRoute}. The admin thread only checks the request line and
 * hands the exchange to the bounded route pool, so slow acknowledgements never hold up the health
 * endpoints; a full pool answers {@code 503}.
 */
final class RouteExchange {
  private static final Logger LOG = LoggerFactory.getLogger(RouteExchange.class);

  private RouteExchange() {}

  /** Called on the admin thread: refuses at once, or hands the exchange to {@code pool}. */
  static void serve(HttpExchange exchange, PostRoute route, Executor pool) throws IOException {
    PostRoute.Response refused =
        route.check(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            declaredLength(exchange));
    if (refused != null) {
      respond(exchange, refused);
      return;
    }
    try {
      pool.execute(() -> handle(exchange, route));
    } catch (RejectedExecutionException e) {
      respond(exchange, PostRoute.Response.error(503, "too many requests waiting: retry later"));
    }
  }

  private static void handle(HttpExchange exchange, PostRoute route) {
    try (exchange) {
      byte[] body = readAtMost(exchange.getRequestBody(), route.maxBodyBytes() + 1L);
      PostRoute.Response response;
      try {
        response =
            route.answer(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                body,
                exchange.getRequestHeaders().getFirst(PostRoute.IDEMPOTENCY_KEY),
                headers(exchange));
      } catch (RuntimeException e) {
        LOG.error("route {} failed: {}", route.path(), e.toString(), e);
        response = PostRoute.Response.error(500, "internal error: " + e.getMessage());
      }
      respond(exchange, response);
    } catch (IOException e) {
      LOG.debug("route {}: the client went away: {}", route.path(), e.toString());
    }
  }

  /** The request's headers, names in lower case (HTTP names are case-insensitive). */
  private static Headers headers(HttpExchange exchange) {
    List<Headers.Header> headers = new ArrayList<>();
    for (Map.Entry<String, List<String>> entry : exchange.getRequestHeaders().entrySet()) {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      entry.getValue().forEach(value -> headers.add(new Headers.Header(name, bytes(value))));
    }
    return Headers.of(headers);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] readAtMost(InputStream in, long limit) throws IOException {
    return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8L));
  }

  private static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void respond(HttpExchange exchange, PostRoute.Response response)
      throws IOException {
    try (exchange) {
      if (response.status() == 405) {
        exchange.getResponseHeaders().set("Allow", "POST");
      }
      if (response.status() == 503) {
        exchange.getResponseHeaders().set("Retry-After", "1");
      }
      if (response.json() == null) {
        exchange.sendResponseHeaders(response.status(), -1);
        return;
      }
      byte[] bytes = response.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
