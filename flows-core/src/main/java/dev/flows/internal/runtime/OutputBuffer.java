package dev.flows.internal.runtime;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.internal.plan.RecordScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs of one attempt on one record; cleared before each attempt so retries never duplicate.
 */
final class OutputBuffer implements RecordScope {
  /** One encoded output. */
  record Output(String topic, byte[] key, byte[] value, Headers headers, long timestamp) {}

  private final List<Output> outputs = new ArrayList<>(2);
  private final Message<byte[], byte[]> source;

  OutputBuffer(Message<byte[], byte[]> source) {
    this.source = source;
  }

  @Override
  public Message<byte[], byte[]> source() {
    return source;
  }

  @Override
  public void emit(String topic, byte[] key, byte[] value, Headers headers, long timestamp) {
    outputs.add(new Output(topic, key, value, headers, timestamp));
  }

  void clear() {
    outputs.clear();
  }

  List<Output> outputs() {
    return outputs;
  }
}
