package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Lineage;
import dev.flows.Lineage.Edge;
import dev.flows.Lineage.EdgeKind;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import dev.flows.testkit.TestRabbitMq;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The admin port's {@code /topology} page of a runtime running every example, as {@code make run}
 * wires it, drawn by Debian's chromium headless: the DOM the page's script built holds a box per
 * node and a curve per edge of the examples' lineage, in columns from sources to sinks.
 */
@FlowsServices
class TopologyPageIT {
  private static final Pattern ELEMENT = Pattern.compile("<(g|path)\\s([^>]*)>");
  private static final Pattern ATTRIBUTE = Pattern.compile("([\\w:-]+)=\"([^\"]*)\"");
  private static final Pattern TRANSLATE =
      Pattern.compile("translate\\((-?[\\d.]+),\\s*(-?[\\d.]+)\\)");
  private static final Pattern SUMMARY = Pattern.compile("<p id=\"summary\"[^>]*>([^<]*)</p>");

  @Test
  void shouldDrawEveryNodeAndEdgeOfTheExamplesWhenChromiumOpensTheTopologyPage(
      TestKafka kafka, TestPostgres postgres, TestRabbitMq rabbit) throws Exception {
    HeadlessChromium.executable(); // fails first, and clearly, without chromium
    List<Flow> flows = Examples.all();
    KafkaConnector connector = KafkaConnector.create(kafka.bootstrapServers());
    connector.createTopics(Examples.topics(), 1);
    Wiring.Sources sources =
        new Wiring.Sources(
            () -> PostgresStateStore.create(postgres.dataSource()),
            () -> PostgresTableSink.create(postgres.dataSource()),
            () -> RabbitTaskQueue.create(rabbit.uri()));
    String dom;
    try (Wiring wiring = new Wiring();
        FlowRuntime runtime =
            wiring
                .attach(
                    FlowRuntime.builder(flows.toArray(Flow[]::new))
                        .connector(connector)
                        .adminPort(0),
                    flows,
                    sources)
                .build()
                .start()) {
      int port = runtime.adminPort().orElseThrow();
      dom = HeadlessChromium.dumpDom(URI.create("http://127.0.0.1:" + port + "/topology"));
    }

    Lineage lineage = Lineage.of(flows);
    List<Map<String, String>> nodes = elements(dom, "g", "data-node");
    assertEquals(
        lineage.nodes().stream().map(n -> n.id() + " node " + n.kind().label()).toList(),
        nodes.stream().map(g -> g.get("data-node") + " " + g.get("class")).toList(),
        "the script drew a box per node of the lineage, its kind as class:\n" + dom);
    assertTrue(
        drawn(nodes)
            .containsAll(
                List.of(
                    "step:flows-word-count",
                    "topic:word",
                    "table:flows_materialised",
                    "route:/adapter",
                    "schedule:tasks-example-cron",
                    "queue:tasks-example",
                    "topic:flows-word-join.dlq")),
        "every kind of node of the examples is drawn: " + drawn(nodes));
    List<Map<String, String>> edges = elements(dom, "path", "data-from");
    assertEquals(
        new TreeSet<>(lineage.edges().stream().map(TopologyPageIT::edge).toList()),
        edges.stream()
            .map(p -> p.get("data-from") + " " + p.get("class") + " " + p.get("data-to"))
            .collect(Collectors.toCollection(TreeSet::new)),
        "the script drew a curve per edge");
    assertEdgesRunLeftToRight(lineage, positions(nodes));
    assertTrue(
        summary(dom).contains("10 steps, "), "the summary counts the nodes: " + summary(dom));
  }

  /** Every edge but a re-drive goes from a column to one further right: the layout is layered. */
  private static void assertEdgesRunLeftToRight(Lineage lineage, Map<String, double[]> at) {
    List<String> backwards = new ArrayList<>();
    for (Edge e : lineage.edges()) {
      if (e.kind() != EdgeKind.REDRIVE && at.get(e.from())[0] >= at.get(e.to())[0]) {
        backwards.add(edge(e));
      }
    }
    assertEquals(List.of(), backwards, "edges drawn right to left");
    Set<String> places = new HashSet<>();
    at.values().forEach(xy -> places.add(xy[0] + "," + xy[1]));
    assertEquals(at.size(), places.size(), "two boxes drawn at one place");
    Set<Double> columns = new HashSet<>();
    at.values().forEach(xy -> columns.add(xy[0]));
    assertTrue(columns.size() >= 4, "the examples' graph is at least 4 columns deep: " + columns);
  }

  private static String edge(Edge e) {
    return e.from() + " edge " + e.kind().label() + " " + e.to();
  }

  private static List<String> drawn(List<Map<String, String>> nodes) {
    return nodes.stream().map(g -> g.get("data-node")).toList();
  }

  /** Each node's top left corner, from its {@code transform}. */
  private static Map<String, double[]> positions(List<Map<String, String>> nodes) {
    Map<String, double[]> at = new HashMap<>();
    for (Map<String, String> g : nodes) {
      Matcher m = TRANSLATE.matcher(g.getOrDefault("transform", ""));
      assertTrue(m.matches(), "a node placed by translate(x, y): " + g);
      at.put(
          g.get("data-node"),
          new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    return at;
  }

  /** The attributes of each {@code tag} element of {@code dom} that has {@code attribute}. */
  private static List<Map<String, String>> elements(String dom, String tag, String attribute) {
    List<Map<String, String>> found = new ArrayList<>();
    Matcher element = ELEMENT.matcher(dom);
    while (element.find()) {
      if (!element.group(1).equals(tag)) {
        continue;
      }
      Map<String, String> attributes = new LinkedHashMap<>();
      Matcher a = ATTRIBUTE.matcher(element.group(2));
      while (a.find()) {
        attributes.put(a.group(1), unescape(a.group(2)));
      }
      if (attributes.containsKey(attribute)) {
        found.add(attributes);
      }
    }
    return found;
  }

  private static String summary(String dom) {
    Matcher m = SUMMARY.matcher(dom);
    assertTrue(m.find(), "no summary in the page:\n" + dom);
    return unescape(m.group(1));
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
  }
}
