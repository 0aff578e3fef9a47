package dev.flows.internal.plan;

import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.dsl.KeyValueMapper;
import java.util.List;
import java.util.Map;

/**
 * A join's stateful step: reads envelopes from the intermediate topic, decodes the source record
 * with its own topic's formats, dedupes by the source coordinates and picks the state function by
 * source topic. Outputs are keyed by the persistence id.
 */
final class JoinInputs implements StatefulInputs {
  /** One joined source: its topic, persistence id and state function. */
  record Source(
      Topic<?, ?> topic, KeyValueMapper<Object, Object, String> stateKey, StateCall function) {}

  private final Map<String, Source> sources;

  JoinInputs(Map<String, Source> sources) {
    this.sources = Map.copyOf(sources);
  }

  @Override
  public Message<Object, Object> decode(Message<byte[], byte[]> raw) {
    Message<byte[], byte[]> source = Envelope.decode(raw.value());
    Source joined = sources.get(source.topic());
    if (joined == null) {
      throw new FormatException(
          "envelope from " + source.topic() + ", which is not a source of this join", null);
    }
    return Codec.decode(joined.topic(), source);
  }

  @Override
  public String stateKey(Message<Object, Object> record) throws Exception {
    return sources.get(record.topic()).stateKey().apply(record.key(), record.value());
  }

  @Override
  public StateCall function(Message<Object, Object> record) {
    return sources.get(record.topic()).function();
  }

  @Override
  public List<String> originTopics() {
    return List.copyOf(sources.keySet());
  }

  @Override
  public Object outputKey(Message<Object, Object> record, String stateKey) {
    return stateKey;
  }
}
