package dev.flows;

import dev.flows.internal.lineage.LineageGraph;
import dev.flows.internal.lineage.LineageJson;
import dev.flows.internal.lineage.LineageMermaid;
import dev.flows.internal.plan.Plan;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The lineage of an application: one graph of its flows' steps and of the topics, task queues,
 * tables, HTTP routes and schedules that connect them, built from the flows' plans (what they read
 * and write, as {@link Flow#describe()} prints it). A topic written by one flow and read by another
 * is one node. Rendered as Mermaid for docs ({@link #toMermaid()}) and as JSON for tools ({@link
 * #toJson()}); a runtime with an admin port draws the graph of its flows at {@code /topology}.
 * Immutable; building it touches no network.
 */
public final class Lineage {
  private final List<Node> nodes;
  private final List<Edge> edges;

  private Lineage(List<Node> nodes, List<Edge> edges) {
    this.nodes = List.copyOf(nodes);
    this.edges = List.copyOf(edges);
  }

  /**
   * The lineage of {@code flows}, every flow built by {@link Flows} and named once (a {@link Join}
   * gives two: {@link Join#flows()}). Nodes and edges come in the order of the flows, so the
   * renderings are stable.
   *
   * @throws FlowDefinitionException if a flow was not built by {@link Flows} or a name repeats
   */
  public static Lineage of(List<? extends Flow> flows) {
    Objects.requireNonNull(flows, "flows");
    LineageGraph graph = new LineageGraph();
    Set<String> names = new HashSet<>();
    for (Flow flow : flows) {
      if (!(flow instanceof Plan plan)) {
        throw FlowDefinitionException.of(
            "flow",
            flow == null ? null : flow.getClass().getName(),
            "was not built by Flows",
            "build flows with Flows.stateless(...), Flows.stateful(...) and the other kinds");
      }
      if (!names.add(plan.name())) {
        throw FlowDefinitionException.of(
            "flow name",
            plan.name(),
            "appears twice in the lineage",
            "pass each flow once: one step per flow name");
      }
      plan.addTo(graph);
    }
    return new Lineage(graph.nodes(), graph.edges());
  }

  /**
   * The nodes, each once, in the order first met: flow by flow, what it reads, its step, then what
   * it writes.
   */
  public List<Node> nodes() {
    return nodes;
  }

  /** The edges, each once, in the order of the flows. */
  public List<Edge> edges() {
    return edges;
  }

  /** A {@code flowchart LR} Mermaid diagram of the graph, for docs ({@code make lineage}). */
  public String toMermaid() {
    return LineageMermaid.render(this);
  }

  /**
   * The graph as JSON, as {@code /topology.json} serves it: {@code {"nodes": [{"id", "kind",
   * "label", "detail"}...], "edges": [{"from", "to", "kind"}...]}}, kinds as their {@code label()}.
   */
  public String toJson() {
    return LineageJson.render(this);
  }

  /** {@link #toMermaid()}. */
  @Override
  public String toString() {
    return toMermaid();
  }

  /** What a node is. */
  public enum NodeKind {
    /** A flow step; its id is {@code step:<flow name>}. */
    STEP,
    /** A Kafka topic: {@code topic:<name>}. */
    TOPIC,
    /** A task queue: {@code queue:<name>}. */
    QUEUE,
    /** A database table, kept by a materialise flow or holding a stateful flow's state. */
    TABLE,
    /** An HTTP route an http flow serves: {@code route:<path>}. */
    ROUTE,
    /** The schedule of a cron flow: {@code schedule:<flow name>}. */
    SCHEDULE;

    /** How ids, JSON and the page name it: {@code step}, {@code topic}... */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an edge means. */
  public enum EdgeKind {
    /** What a step reads: a topic, a queue, a route or a schedule to the step. */
    INPUT,
    /** What a step writes: the step to a topic, a queue or a materialised table. */
    OUTPUT,
    /** The step to the table holding its state, which it reads and writes. */
    STATE,
    /** The step to where its dead letters go: a topic, or a task flow's dead-letter queue. */
    DEAD_LETTERS,
    /** A dead-letter topic to the retry topic {@code make redrive} re-publishes it to. */
    REDRIVE;

    /** How JSON and the page name it: {@code input}, {@code dead-letters}... */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * A node of the graph.
   *
   * @param id {@code <kind label>:<name>}, unique in the graph, e.g. {@code topic:word}
   * @param kind what it is
   * @param label what to show: the name, a route's method and path, a schedule's expression
   * @param detail more to show, or empty: a step's flow kind ({@code stateful})
   */
  public record Node(String id, NodeKind kind, String label, String detail) {
    /** Checks that every part is present. */
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * An edge of the graph, from one node's id to another's.
   *
   * @param from the id of the node it starts at
   * @param to the id of the node it ends at
   * @param kind what it means
   */
  public record Edge(String from, String to, EdgeKind kind) {
    /** Checks that every part is present. */
    public Edge {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(kind, "kind");
    }
  }
}
