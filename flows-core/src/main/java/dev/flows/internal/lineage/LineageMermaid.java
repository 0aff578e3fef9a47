package dev.flows.internal.lineage;

import dev.flows.Lineage;
import dev.flows.Lineage.Edge;
import dev.flows.Lineage.Node;
import dev.flows.Lineage.NodeKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Lineage} as a Mermaid {@code flowchart LR}: shapes as in {@code describe()}
 * (topics as parallelograms, queues and tables as cylinders, routes as stadiums), a class per node
 * kind, dotted edges for dead letters and re-drives. Deterministic, so docs can keep it.
 */
public final class LineageMermaid {
  private LineageMermaid() {}

  /** The diagram, one statement a line. */
  public static String render(Lineage lineage) {
    Map<String, String> ids = mermaidIds(lineage.nodes());
    List<String> lines = new ArrayList<>();
    lines.add("flowchart LR");
    lineage.nodes().forEach(n -> lines.add("  " + ids.get(n.id()) + shape(n)));
    lineage.edges().forEach(e -> lines.add("  " + edge(e, ids)));
    for (NodeKind kind : NodeKind.values()) {
      List<String> members =
          lineage.nodes().stream().filter(n -> n.kind() == kind).map(n -> ids.get(n.id())).toList();
      if (!members.isEmpty()) {
        lines.add("  classDef " + kind.label() + " " + style(kind));
        lines.add("  class " + String.join(",", members) + " " + kind.label());
      }
    }
    return String.join("\n", lines) + "\n";
  }

  private static String shape(Node node) {
    String text =
        quoted(node.detail().isEmpty() ? node.label() : node.label() + " (" + node.detail() + ")");
    return switch (node.kind()) {
      case STEP -> "[" + text + "]";
      case TOPIC -> "[/" + text + "/]";
      case QUEUE, TABLE -> "[(" + text + ")]";
      case ROUTE -> "([" + text + "])";
      case SCHEDULE -> ">" + text + "]";
    };
  }

  private static String edge(Edge edge, Map<String, String> ids) {
    String from = ids.get(edge.from());
    String to = ids.get(edge.to());
    return switch (edge.kind()) {
      case INPUT, OUTPUT -> from + " --> " + to;
      case STATE -> from + " -- state --- " + to;
      case DEAD_LETTERS -> from + " -. dead letters .-> " + to;
      case REDRIVE -> from + " -. redrive .-> " + to;
    };
  }

  /** Mermaid ids from node ids: letters, digits and underscores, made unique by a suffix. */
  private static Map<String, String> mermaidIds(List<Node> nodes) {
    Map<String, String> ids = new HashMap<>();
    Set<String> taken = new HashSet<>();
    for (Node node : nodes) {
      String base = node.id().replaceAll("[^A-Za-z0-9]+", "_");
      String id = base;
      for (int i = 2; !taken.add(id); i++) {
        id = base + "_" + i;
      }
      ids.put(node.id(), id);
    }
    return ids;
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "#quot;") + "\"";
  }

  private static String style(NodeKind kind) {
    return switch (kind) {
      case STEP -> "fill:#dbe7ff,stroke:#3b6fd8";
      case TOPIC -> "fill:#fff4d6,stroke:#c99a2e";
      case QUEUE -> "fill:#e3f5e1,stroke:#3c9a3c";
      case TABLE -> "fill:#f0e4fa,stroke:#8a4fc1";
      case ROUTE -> "fill:#dff4f7,stroke:#1f8a99";
      case SCHEDULE -> "fill:#fde4e4,stroke:#c24b4b";
    };
  }
}
