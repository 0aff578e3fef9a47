package dev.flows.internal.plan;

import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.dsl.KeyValueMapper;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A stateful step on plain input topics: dedupe by the record's own coordinates. */
final class DirectInputs implements StatefulInputs {
  private final Map<String, Topic<?, ?>> topics = new HashMap<>();
  private final KeyValueMapper<Object, Object, String> stateKey;
  private final StateCall function;

  DirectInputs(
      List<Topic<?, ?>> inputs,
      KeyValueMapper<Object, Object, String> stateKey,
      StateCall function) {
    inputs.forEach(t -> topics.put(t.name(), t));
    this.stateKey = stateKey;
    this.function = function;
  }

  @Override
  public Message<Object, Object> decode(Message<byte[], byte[]> raw) {
    return Codec.decode(topics.get(raw.topic()), raw);
  }

  @Override
  public String stateKey(Message<Object, Object> record) throws Exception {
    if (stateKey != null) {
      return stateKey.apply(record.key(), record.value());
    }
    return defaultStateKey(record.key());
  }

  static String defaultStateKey(Object key) {
    if (key == null) {
      throw new IllegalArgumentException(
          "a record without a key has no state: set stateKey(...) on the flow");
    }
    return key instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : key.toString();
  }

  @Override
  public StateCall function(Message<Object, Object> record) {
    return function;
  }

  @Override
  public Object outputKey(Message<Object, Object> record, String id) {
    return record.key();
  }
}
