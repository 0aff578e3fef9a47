package dev.flows.internal.lineage;

import dev.flows.FlowKind;
import dev.flows.Lineage.Edge;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Lineage.Node;
import dev.flows.Lineage.NodeKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Collects the nodes and edges that plans add ({@code Plan.addTo}): the one place node ids are
 * made, so a topic written by one flow and read by another is one node. Not thread-safe; use once.
 */
public final class LineageGraph {
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Set<Edge> edges = new LinkedHashSet<>();

  /** Adds the step of flow {@code name}; returns its id. */
  public String step(String name, FlowKind kind) {
    return node(NodeKind.STEP, name, name, kind.name().toLowerCase(Locale.ROOT));
  }

  /** Adds topic {@code name} (once); returns its id. */
  public String topic(String name) {
    return node(NodeKind.TOPIC, name, name, "");
  }

  /** Adds task queue {@code name} (once); returns its id. */
  public String queue(String name) {
    return node(NodeKind.QUEUE, name, name, "");
  }

  /** Adds table {@code name} (once); returns its id. */
  public String table(String name) {
    return node(NodeKind.TABLE, name, name, "");
  }

  /** Adds the route of {@code method} on {@code path} (once); returns its id. */
  public String route(String method, String path) {
    return node(NodeKind.ROUTE, path, method + " " + path, "");
  }

  /** Adds the schedule of cron flow {@code flow}, shown as {@code expression}; returns its id. */
  public String schedule(String flow, String expression) {
    return node(NodeKind.SCHEDULE, flow, expression, "UTC");
  }

  /** Adds the edge from node id {@code from} to node id {@code to}, once. */
  public void edge(String from, String to, EdgeKind kind) {
    if (!nodes.containsKey(from) || !nodes.containsKey(to)) {
      throw new IllegalArgumentException("an edge needs both nodes: " + from + " -> " + to);
    }
    edges.add(new Edge(from, to, kind));
  }

  /** The nodes, in the order they were first added. */
  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  /** The edges, in the order they were first added. */
  public List<Edge> edges() {
    return new ArrayList<>(edges);
  }

  private String node(NodeKind kind, String name, String label, String detail) {
    String id = kind.label() + ":" + name;
    nodes.putIfAbsent(id, new Node(id, kind, label, detail));
    return id;
  }
}
