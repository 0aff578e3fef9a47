package dev.flows.internal.runtime;

import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what is sent, as text, acknowledging every send at once; while {@code failing}, fails
 * every send as an unavailable broker would, recording nothing.
 */
final class RecordingSink implements Sink {
  private final List<OutgoingRecord> sent = new CopyOnWriteArrayList<>();
  volatile boolean failing;

  @Override
  public void send(OutgoingRecord record, Ack ack) {
    if (failing) {
      ack.completed(new IOException("broker unavailable"));
      return;
    }
    sent.add(record);
    ack.completed(null);
  }

  /** Every record sent, in order. */
  List<OutgoingRecord> sent() {
    return List.copyOf(sent);
  }

  /** {@code key=value} of every record sent to {@code topic}, in order. */
  List<String> keyValues(String topic) {
    return sent.stream()
        .filter(r -> r.topic().equals(topic))
        .map(r -> text(r.key()) + "=" + text(r.value()))
        .toList();
  }

  /** Every record sent, as {@code topic key=value [headers]}, in order. */
  List<String> all() {
    return sent.stream()
        .map(r -> r.topic() + " " + text(r.key()) + "=" + text(r.value()) + " " + headers(r))
        .toList();
  }

  private static String headers(OutgoingRecord r) {
    List<String> headers = new ArrayList<>();
    r.headers().forEach(h -> headers.add(h.key() + ":" + text(h.value())));
    return headers.toString();
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
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
