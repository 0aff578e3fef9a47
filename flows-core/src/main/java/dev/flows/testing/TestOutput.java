package dev.flows.testing;

import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import java.util.List;

/**
 * Reads what the flows of a {@link FlowTestDriver} wrote to one topic. Each read returns what was
 * written since the previous read of this topic through the driver.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TestOutput<K, V> {
  private final FlowTestDriver driver;
  private final Topic<K, V> topic;

  TestOutput(FlowTestDriver driver, Topic<K, V> topic) {
    this.driver = driver;
    this.topic = topic;
  }

  /** Every record written since the last read, decoded, in order, with offsets and headers. */
  @SuppressWarnings("unchecked")
  public List<Message<K, V>> readAll() {
    return driver.readNew(topic.name()).stream()
        .map(raw -> (Message<K, V>) (Message<?, ?>) Codec.decode(topic, raw))
        .toList();
  }

  /** The keys and values written since the last read. */
  public List<KeyValue<K, V>> readKeyValues() {
    return readAll().stream().map(m -> KeyValue.of(m.key(), m.value())).toList();
  }

  /** The values written since the last read. */
  public List<V> readValues() {
    return readAll().stream().map(Message::value).toList();
  }
}
