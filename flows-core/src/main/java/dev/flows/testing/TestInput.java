package dev.flows.testing;

import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import java.util.List;

/**
 * Writes records to one topic of a {@link FlowTestDriver}. Each {@code pipe} call is one batch for
 * every flow reading the topic, processed (with everything downstream) before the call returns.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TestInput<K, V> {
  private final FlowTestDriver driver;
  private final Topic<K, V> topic;

  TestInput(FlowTestDriver driver, Topic<K, V> topic) {
    this.driver = driver;
    this.topic = topic;
  }

  /** Pipes one record as a batch of one. */
  public void pipe(K key, V value) {
    pipe(key, value, Headers.empty());
  }

  /** Pipes one record with headers as a batch of one. */
  public void pipe(K key, V value, Headers headers) {
    driver.write(
        topic.name(), List.of(new Encoded(encodeKey(key), encodeValue(value), headers, null)));
  }

  /**
   * Pipes one record with headers and a timestamp (milliseconds since the epoch) as a batch of one.
   */
  public void pipe(K key, V value, Headers headers, long timestamp) {
    driver.write(
        topic.name(), List.of(new Encoded(encodeKey(key), encodeValue(value), headers, timestamp)));
  }

  /** Pipes the records as one batch, in order. */
  public void pipeBatch(List<KeyValue<K, V>> records) {
    driver.write(
        topic.name(),
        records.stream()
            .map(
                kv ->
                    new Encoded(
                        encodeKey(kv.key()), encodeValue(kv.value()), Headers.empty(), null))
            .toList());
  }

  /** Pipes raw bytes as a batch of one: for undecodable input. */
  public void pipeRaw(byte[] key, byte[] value) {
    driver.write(topic.name(), List.of(new Encoded(key, value, Headers.empty(), null)));
  }

  private byte[] encodeKey(K key) {
    return Codec.encode(topic.keyFormat(), key);
  }

  private byte[] encodeValue(V value) {
    return Codec.encode(topic.valueFormat(), value);
  }

  /** An encoded record to append; a {@code null} timestamp is the driver's clock. */
  record Encoded(byte[] key, byte[] value, Headers headers, Long timestamp) {}
}
