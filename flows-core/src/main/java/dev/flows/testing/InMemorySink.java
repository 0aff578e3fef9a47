package dev.flows.testing;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory topics of one partition each: an append-only log per topic. Acknowledges sends at once.
 * Readers keep their own positions, so flows and tests read the same log independently.
 */
final class InMemorySink implements Sink {
  private final Map<String, List<Message<byte[], byte[]>>> logs = new HashMap<>();
  private long clockMillis = 1_000_000L;

  @Override
  public synchronized void send(OutgoingRecord record, Ack ack) {
    append(record.topic(), record.key(), record.value(), record.headers(), record.timestamp());
    ack.completed(null);
  }

  synchronized Message<byte[], byte[]> append(
      String topic, byte[] key, byte[] value, Headers headers, Long timestamp) {
    List<Message<byte[], byte[]>> log = logs.computeIfAbsent(topic, t -> new ArrayList<>());
    long time = timestamp != null ? timestamp : clockMillis++;
    Message<byte[], byte[]> message =
        new Message<>(topic, 0, log.size(), time, key, value, headers);
    log.add(message);
    return message;
  }

  /** The records of {@code topic} from {@code offset} on. */
  synchronized List<Message<byte[], byte[]>> read(String topic, int offset) {
    List<Message<byte[], byte[]>> log = logs.getOrDefault(topic, List.of());
    return offset >= log.size() ? List.of() : List.copyOf(log.subList(offset, log.size()));
  }

  /** How many records {@code topic} holds. */
  synchronized int size(String topic) {
    return logs.getOrDefault(topic, List.of()).size();
  }

  @Override
  public void flush() {}

  @Override
  public boolean isRecordError(Exception error) {
    return false;
  }

  @Override
  public void close() {}
}
