package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Topic;
import dev.flows.dsl.ValueMapper;
import dev.flows.format.Format;
import dev.flows.internal.lineage.LineageGraph;
import java.util.List;

/** An http flow: one POST route whose decoded request body is mapped to one record on one topic. */
public final class HttpPlan extends Plan {
  private static final String METHOD = "POST";

  private final HttpOptions httpOptions;
  private final String path;
  private final Format<?> requestFormat;
  private final ValueMapper<Object, ? extends KeyValue<?, ?>> mapper;
  private final Topic<?, ?> topic;

  @SuppressWarnings("unchecked")
  HttpPlan(
      String name,
      HttpOptions httpOptions,
      String path,
      Format<?> requestFormat,
      ValueMapper<?, ?> mapper,
      Topic<?, ?> topic) {
    super(name, FlowKind.HTTP, FlowOptions.defaults(), List.of(), List.of(topic));
    this.httpOptions = httpOptions;
    this.path = path;
    this.requestFormat = requestFormat;
    this.mapper = (ValueMapper<Object, ? extends KeyValue<?, ?>>) mapper;
    this.topic = topic;
  }

  /** The request body limit and the acknowledgement timeout. */
  public HttpOptions httpOptions() {
    return httpOptions;
  }

  /** The path it serves, e.g. {@code /adapter}. */
  public String path() {
    return path;
  }

  /** The topic its records go to. */
  public String topic() {
    return topic.name();
  }

  /** {@code POST /adapter [json(WordRequest)]}, as descriptions print the route. */
  public String route() {
    return METHOD + " " + path + " [" + requestFormat.name() + "]";
  }

  /** The route it serves, its input. */
  @Override
  void addOwnLineage(LineageGraph graph, String step) {
    graph.edge(graph.route(METHOD, path), step, EdgeKind.INPUT);
  }

  /** Decodes a request body; throws {@link dev.flows.FormatException} if it cannot. */
  public Object decode(byte[] body) {
    return Codec.decode(requestFormat, body, "request body");
  }

  /** Maps a decoded request to its record: the caller is the one place that calls user code. */
  public KeyValue<?, ?> map(Object request) throws Exception {
    return mapper.apply(request);
  }

  /** Encodes a record's key with the topic's key format. */
  public byte[] encodeKey(KeyValue<?, ?> record) {
    return Codec.encode(topic.keyFormat(), record.key());
  }

  /** Encodes a record's value with the topic's value format. */
  public byte[] encodeValue(KeyValue<?, ?> record) {
    return Codec.encode(topic.valueFormat(), record.value());
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.http(this);
  }

  @Override
  List<String> stepLabels() {
    return List.of("map");
  }

  @Override
  List<String> otherSources() {
    return List.of(route());
  }

  /** Errors are answered to the client: no dead letters, no batches. */
  @Override
  boolean deadLetters() {
    return false;
  }

  @Override
  List<String> closingLabels() {
    return List.of(
        "errors answered to the client (no dead letters)",
        "options maxBodyBytes="
            + httpOptions.maxBodyBytes()
            + " ackTimeout="
            + httpOptions.ackTimeout().toMillis()
            + "ms");
  }
}
