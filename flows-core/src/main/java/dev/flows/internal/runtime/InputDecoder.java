package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Decodes raw records with the formats of the input topic they came from. Thread-safe. */
final class InputDecoder {
  private final Map<String, Topic<?, ?>> inputs = new HashMap<>();

  InputDecoder(List<Topic<?, ?>> topics) {
    topics.forEach(t -> inputs.put(t.name(), t));
  }

  /**
   * The decoded record; throws {@link dev.flows.FormatException} if key or value cannot be decoded.
   */
  Message<Object, Object> decode(Message<byte[], byte[]> raw) {
    return Codec.decode(inputs.get(raw.topic()), raw);
  }

  static String where(Message<?, ?> raw) {
    return raw.topic() + "-" + raw.partition() + "@" + raw.offset();
  }
}
