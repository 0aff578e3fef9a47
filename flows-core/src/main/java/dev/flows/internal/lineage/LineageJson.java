package dev.flows.internal.lineage;

import static dev.flows.internal.Json.quote;

import dev.flows.Lineage;
import dev.flows.Lineage.Edge;
import dev.flows.Lineage.Node;
import java.util.stream.Collectors;

/** Writes a {@link Lineage} as JSON: one node or edge a line, so a diff shows what changed. */
public final class LineageJson {
  private LineageJson() {}

  /** {@code {"nodes": [...], "edges": [...]}}, kinds by their {@code label()}. */
  public static String render(Lineage lineage) {
    return "{\"nodes\": [\n"
        + lineage.nodes().stream().map(LineageJson::node).collect(Collectors.joining(",\n"))
        + "\n], \"edges\": [\n"
        + lineage.edges().stream().map(LineageJson::edge).collect(Collectors.joining(",\n"))
        + "\n]}\n";
  }

  private static String node(Node node) {
    return "  {\"id\": "
        + quote(node.id())
        + ", \"kind\": "
        + quote(node.kind().label())
        + ", \"label\": "
        + quote(node.label())
        + ", \"detail\": "
        + quote(node.detail())
        + "}";
  }

  private static String edge(Edge edge) {
    return "  {\"from\": "
        + quote(edge.from())
        + ", \"to\": "
        + quote(edge.to())
        + ", \"kind\": "
        + quote(edge.kind().label())
        + "}";
  }
}
