package dev.flows.internal.admin;

import com.sun.net.httpserver.HttpExchange;
import dev.flows.FlowsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The lineage graph of the runtime's flows on the admin port: {@code /topology}, a page whose
 * script ({@code /topology.js}, with {@code /topology.css}) draws {@code /topology.json} as a
 * layered SVG. The assets ship in this jar and the page may load nothing from elsewhere (its
 * Content-Security-Policy says so), so it works where the admin port is reachable and nothing else
 * is.
 */
final class TopologyPage {
  /** The page's path; the assets' paths extend it, so one context serves them all. */
  static final String PATH = "/topology";

  private static final String POLICY = "default-src 'self'; img-src 'self' data:";

  private record Asset(String contentType, byte[] body) {}

  private final Map<String, Asset> assets;

  private TopologyPage(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** The page, its script and style from the class path, and {@code json} as the graph. */
  static TopologyPage of(String json) {
    return new TopologyPage(
        Map.of(
            PATH,
            new Asset("text/html; charset=utf-8", resource("topology.html")),
            PATH + ".js",
            new Asset("text/javascript; charset=utf-8", resource("topology.js")),
            PATH + ".css",
            new Asset("text/css; charset=utf-8", resource("topology.css")),
            PATH + ".json",
            new Asset("application/json", json.getBytes(StandardCharsets.UTF_8))));
  }

  /** Answers a GET of the page, an asset or the graph; 404 for other paths under {@link #PATH}. */
  void serve(HttpExchange exchange) throws IOException {
    Asset asset = assets.get(exchange.getRequestURI().getPath());
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (asset == null) {
      AdminServer.respond(
          exchange,
          404,
          "text/plain; charset=utf-8",
          ("no such page: see " + PATH).getBytes(StandardCharsets.UTF_8));
      return;
    }
    exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
    AdminServer.respond(exchange, 200, asset.contentType(), asset.body());
  }

  private static byte[] resource(String name) {
    try (InputStream in = TopologyPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new FlowsException(
            "the topology page's " + name + " is missing from the class path (flows-core's jar)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new FlowsException("cannot read the topology page's " + name + ": " + e, e);
    }
  }
}
