package dev.flows;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.longs;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flows.Lineage.Edge;
import dev.flows.Lineage.Node;
import dev.flows.Lineage.NodeKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Lineage}: every flow kind's step with what it reads and writes, shared topics as one node,
 * and its Mermaid and JSON renderings.
 */
class LineageTest {
  static final Topic<String, String> ORDERS = topic("orders", string(), string());
  static final Topic<String, String> CHECKED = topic("orders-checked", string(), string());
  static final Topic<String, String> COUNTS = topic("order-counts", string(), string());
  static final Topic<String, String> CUSTOMERS = topic("customers", string(), string());
  static final Topic<String, String> JOINED = topic("orders-joined", string(), string());
  static final Topic<String, String> REPORTS = topic("reports", string(), string());
  static final Queue<String> REPORT_TASKS = queue("report-tasks", string());
  static final StateSpec<Long> COUNT =
      StateSpec.of("count", longs(), () -> 0L).withTable("shop_count_state");
  static final TableSpec TABLE =
      TableSpec.of("shop_order_counts", Column.text("id")).withColumn(Column.bigint("n"));

  static Flow stateless() {
    return Flows.stateless("shop-orders-check").from(ORDERS).filter((k, v) -> true).to(CHECKED);
  }

  static Flow stateful() {
    return Flows.stateful("shop-orders-count")
        .from(CHECKED)
        .state(COUNT)
        .apply((k, v, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(COUNTS);
  }

  static Join join() {
    return Flows.join("shop-orders-join")
        .through("shop-orders-join-intermediate")
        .state(COUNT.withTable("shop_join_state"))
        .on(ORDERS, (k, v) -> k, (k, v, n) -> StateUpdate.set(n + 1, v))
        .on(CUSTOMERS, (k, v) -> k, (k, v, n) -> StateUpdate.emit(v))
        .to(JOINED);
  }

  static Flow materialise() {
    return Flows.materialise("shop-orders-table")
        .from(COUNTS)
        .into(TABLE, (k, v) -> Row.of("n", Long.parseLong(v)));
  }

  static Flow cron() {
    return Flows.cron("shop-reports-nightly")
        .schedule("0 0 3 * * *")
        .produce(() -> "report")
        .toQueue(REPORT_TASKS);
  }

  static Flow task() {
    return Flows.task("shop-reports-run").from(REPORT_TASKS).run(t -> t + " done").to(REPORTS);
  }

  static Flow http() {
    return Flows.http("shop-orders-intake")
        .post("/orders", string())
        .map(body -> KeyValue.of(body, body))
        .to(ORDERS);
  }

  @Test
  void shouldLinkEachKindsStepToWhatItReadsAndWritesWhenBuiltFromAllKinds() {
    List<Flow> flows = new ArrayList<>(List.of(http(), stateless(), stateful()));
    flows.addAll(join().flows());
    flows.addAll(List.of(materialise(), cron(), task()));

    Lineage lineage = Lineage.of(flows);

    assertEquals(
        List.of(
            "route:/orders -input-> step:shop-orders-intake",
            "step:shop-orders-intake -output-> topic:orders",
            "topic:orders -input-> step:shop-orders-check",
            "step:shop-orders-check -output-> topic:orders-checked",
            "step:shop-orders-check -dead-letters-> topic:shop-orders-check.dlq",
            "topic:orders-checked -input-> step:shop-orders-count",
            "step:shop-orders-count -state-> table:shop_count_state",
            "step:shop-orders-count -output-> topic:order-counts",
            "step:shop-orders-count -dead-letters-> topic:shop-orders-count.dlq",
            "topic:orders -input-> step:shop-orders-join-merge",
            "topic:customers -input-> step:shop-orders-join-merge",
            "step:shop-orders-join-merge -output-> topic:shop-orders-join-intermediate",
            "step:shop-orders-join-merge -dead-letters-> topic:shop-orders-join-merge.dlq",
            "topic:shop-orders-join-intermediate -input-> step:shop-orders-join",
            "step:shop-orders-join -state-> table:shop_join_state",
            "step:shop-orders-join -output-> topic:orders-joined",
            "step:shop-orders-join -dead-letters-> topic:shop-orders-join.dlq",
            "topic:order-counts -input-> step:shop-orders-table",
            "step:shop-orders-table -output-> table:shop_order_counts",
            "step:shop-orders-table -dead-letters-> topic:shop-orders-table.dlq",
            "schedule:shop-reports-nightly -input-> step:shop-reports-nightly",
            "step:shop-reports-nightly -output-> queue:report-tasks",
            "queue:report-tasks -input-> step:shop-reports-run",
            "step:shop-reports-run -output-> topic:reports",
            "step:shop-reports-run -dead-letters-> queue:report-tasks.dlq"),
        edges(lineage));
  }

  @Test
  void shouldShowEachStepsKindAndEachRouteAndScheduleWhenLabelled() {
    Lineage lineage = Lineage.of(List.of(http(), stateful(), cron()));

    assertEquals(
        new Node("step:shop-orders-count", NodeKind.STEP, "shop-orders-count", "stateful"),
        node(lineage, "step:shop-orders-count"));
    assertEquals(
        new Node("route:/orders", NodeKind.ROUTE, "POST /orders", ""),
        node(lineage, "route:/orders"));
    assertEquals(
        new Node("schedule:shop-reports-nightly", NodeKind.SCHEDULE, "0 0 3 * * *", "UTC"),
        node(lineage, "schedule:shop-reports-nightly"));
    assertEquals(
        new Node("table:shop_count_state", NodeKind.TABLE, "shop_count_state", ""),
        node(lineage, "table:shop_count_state"));
  }

  @Test
  void shouldDrawATopicOnceWhenOneFlowWritesItAndOthersReadIt() {
    Lineage lineage = Lineage.of(List.of(http(), stateless(), join().merge()));

    assertEquals(1, lineage.nodes().stream().filter(n -> n.id().equals("topic:orders")).count());
    assertEquals(
        List.of(
            "step:shop-orders-intake -output-> topic:orders",
            "topic:orders -input-> step:shop-orders-check",
            "topic:orders -input-> step:shop-orders-join-merge"),
        lineage.edges().stream()
            .filter(e -> e.from().equals("topic:orders") || e.to().equals("topic:orders"))
            .map(LineageTest::edge)
            .toList());
    assertEquals(
        lineage.nodes().size(),
        lineage.nodes().stream().map(Node::id).distinct().count(),
        "node ids are unique");
  }

  @Test
  void shouldLinkTheDeadLettersToTheRetryTopicWhenAFlowReadsOne() {
    Flow retried =
        Flows.stateless(
                "shop-orders-check",
                FlowOptions.defaults().withErrorPolicy(ErrorPolicy.defaults().withRetryTopic()))
            .from(ORDERS)
            .to(CHECKED);

    assertEquals(
        List.of(
            "topic:orders -input-> step:shop-orders-check",
            "topic:shop-orders-check.retry -input-> step:shop-orders-check",
            "step:shop-orders-check -output-> topic:orders-checked",
            "step:shop-orders-check -dead-letters-> topic:shop-orders-check.dlq",
            "topic:shop-orders-check.dlq -redrive-> topic:shop-orders-check.retry"),
        edges(Lineage.of(List.of(retried))));
  }

  @Test
  void shouldDrawNoDeadLettersWhenTheFlowAnswersOrSkipsInstead() {
    List<String> edges = edges(Lineage.of(List.of(http(), cron())));

    assertTrue(edges.stream().noneMatch(e -> e.contains("dead-letters")), edges::toString);
  }

  @Test
  void shouldFailNamingTheFlowWhenItIsPassedTwice() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class, () -> Lineage.of(List.of(stateless(), stateless())));

    assertEquals(
        "flow name appears twice in the lineage, got 'shop-orders-check': pass each flow once: one"
            + " step per flow name",
        e.getMessage());
  }

  @Test
  void shouldWriteEveryNodeAndEdgeWhenRenderedAsJson() throws Exception {
    Lineage lineage = Lineage.of(List.of(http(), stateless(), stateful(), cron(), task()));

    JsonNode json = new ObjectMapper().readTree(lineage.toJson());

    List<Node> nodes = new ArrayList<>();
    json.get("nodes")
        .forEach(
            n ->
                nodes.add(
                    new Node(
                        n.get("id").asText(),
                        NodeKind.valueOf(n.get("kind").asText().toUpperCase()),
                        n.get("label").asText(),
                        n.get("detail").asText())));
    List<String> edges = new ArrayList<>();
    json.get("edges")
        .forEach(
            e ->
                edges.add(
                    e.get("from").asText()
                        + " -"
                        + e.get("kind").asText()
                        + "-> "
                        + e.get("to").asText()));
    assertEquals(lineage.nodes(), nodes);
    assertEquals(edges(lineage), edges);
  }

  @Test
  void shouldDrawAFlowchartWithAShapePerKindWhenRenderedAsMermaid() {
    Lineage lineage = Lineage.of(List.of(http(), stateful(), materialise()));

    assertEquals(
        """
        flowchart LR
          step_shop_orders_intake["shop-orders-intake (http)"]
          route_orders(["POST /orders"])
          topic_orders[/"orders"/]
          topic_orders_checked[/"orders-checked"/]
          step_shop_orders_count["shop-orders-count (stateful)"]
          table_shop_count_state[("shop_count_state")]
          topic_order_counts[/"order-counts"/]
          topic_shop_orders_count_dlq[/"shop-orders-count.dlq"/]
          step_shop_orders_table["shop-orders-table (materialise)"]
          table_shop_order_counts[("shop_order_counts")]
          topic_shop_orders_table_dlq[/"shop-orders-table.dlq"/]
          route_orders --> step_shop_orders_intake
          step_shop_orders_intake --> topic_orders
          topic_orders_checked --> step_shop_orders_count
          step_shop_orders_count -- state --- table_shop_count_state
          step_shop_orders_count --> topic_order_counts
          step_shop_orders_count -. dead letters .-> topic_shop_orders_count_dlq
          topic_order_counts --> step_shop_orders_table
          step_shop_orders_table --> table_shop_order_counts
          step_shop_orders_table -. dead letters .-> topic_shop_orders_table_dlq
          classDef step fill:#dbe7ff,stroke:#3b6fd8
          class step_shop_orders_intake,step_shop_orders_count,step_shop_orders_table step
          classDef topic fill:#fff4d6,stroke:#c99a2e
          class topic_orders,topic_orders_checked,topic_order_counts,topic_shop_orders_count_dlq,\
        topic_shop_orders_table_dlq topic
          classDef table fill:#f0e4fa,stroke:#8a4fc1
          class table_shop_count_state,table_shop_order_counts table
          classDef route fill:#dff4f7,stroke:#1f8a99
          class route_orders route
        """,
        lineage.toMermaid());
  }

  @Test
  void shouldKeepMermaidIdsApartWhenNodeIdsDifferOnlyInPunctuation() {
    Topic<String, String> dotted = topic("orders.eu", string(), string());
    Topic<String, String> dashed = topic("orders-eu", string(), string());
    Flow flow = Flows.stateless("shop-orders-eu").from(dotted).merge(dashed).to(CHECKED);

    String mermaid = Lineage.of(List.of(flow)).toMermaid();

    assertTrue(mermaid.contains("  topic_orders_eu[/\"orders.eu\"/]\n"), mermaid);
    assertTrue(mermaid.contains("  topic_orders_eu_2[/\"orders-eu\"/]\n"), mermaid);
    assertTrue(mermaid.contains("  topic_orders_eu_2 --> step_shop_orders_eu\n"), mermaid);
  }

  /** {@code from -kind-> to} for each edge, in order. */
  static List<String> edges(Lineage lineage) {
    return lineage.edges().stream().map(LineageTest::edge).toList();
  }

  private static String edge(Edge e) {
    return e.from() + " -" + e.kind().label() + "-> " + e.to();
  }

  private static Node node(Lineage lineage, String id) {
    return lineage.nodes().stream()
        .filter(n -> n.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id + " in " + lineage.nodes()));
  }
}
