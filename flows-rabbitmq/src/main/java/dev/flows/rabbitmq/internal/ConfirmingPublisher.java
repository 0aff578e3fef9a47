package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.flows.spi.Sink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;

/**
 * Publishes persistent messages on one channel in confirm mode and completes each send's ack when
 * the broker confirmed it (stored durably, in a quorum queue: on a majority) or nacked it.
 * Unroutable messages (mandatory flag) fail their send. If the channel closes, every pending send
 * fails, so a caller never waits for a confirm that cannot come; the next send opens a new channel.
 * Thread-safe: publishing is serialised, as a channel requires.
 */
public final class ConfirmingPublisher implements AutoCloseable {
  private static final String PUBLISH_ID = "flows-publish-id";

  private final Connection connection;
  private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
  private final Map<String, Long> byPublishId = new ConcurrentHashMap<>();
  private Channel channel;

  /** A send awaiting its confirm. */
  private record Pending(String id, Sink.Ack ack) {}

  /** A publisher on {@code connection} (its channel is opened on first use). */
  public ConfirmingPublisher(Connection connection) {
    this.connection = connection;
  }

  /**
   * Publishes {@code body} to {@code queue} through the default exchange; {@code ack} is called
   * once.
   */
  public synchronized void publish(
      String queue, AMQP.BasicProperties properties, byte[] body, Sink.Ack ack) {
    try {
      Channel ch = channel();
      long seq = ch.getNextPublishSeqNo();
      String id = Long.toString(seq) + "@" + System.identityHashCode(ch);
      pending.put(seq, new Pending(id, ack));
      byPublishId.put(id, seq);
      ch.basicPublish("", queue, true, withPublishId(properties, id), body);
    } catch (IOException | RuntimeException e) {
      ack.completed(e);
    }
  }

  private static AMQP.BasicProperties withPublishId(AMQP.BasicProperties properties, String id) {
    Map<String, Object> headers =
        new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
    headers.put(PUBLISH_ID, id);
    return properties.builder().headers(headers).build();
  }

  private Channel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      if (!connection.isOpen()) {
        throw new IOException("the connection to the task broker is closed (recovering)");
      }
      Channel ch = connection.createChannel();
      ch.confirmSelect();
      ch.addConfirmListener(
          (seq, multiple) -> complete(seq, multiple, null),
          (seq, multiple) ->
              complete(seq, multiple, new IOException("the broker rejected the task (nack)")));
      ch.addReturnListener(r -> returned(r.getProperties(), r.getReplyText(), r.getRoutingKey()));
      ch.addShutdownListener(this::failAll);
      channel = ch;
    }
    return channel;
  }

  private void complete(long seq, boolean multiple, Exception error) {
    Map<Long, Pending> done =
        multiple ? pending.headMap(seq, true) : pending.subMap(seq, true, seq, true);
    for (Long key : new ArrayList<>(done.keySet())) {
      Pending p = pending.remove(key);
      if (p != null) {
        byPublishId.remove(p.id());
        p.ack().completed(error);
      }
    }
  }

  /**
   * A returned message is confirmed afterwards; fail it first, so the later confirm finds nothing.
   */
  private void returned(AMQP.BasicProperties properties, String reason, String queue) {
    Object id = properties.getHeaders() == null ? null : properties.getHeaders().get(PUBLISH_ID);
    Long seq = id == null ? null : byPublishId.remove(id.toString());
    Pending p = seq == null ? null : pending.remove(seq);
    if (p != null) {
      p.ack().completed(new IOException("task to queue " + queue + " was not routed: " + reason));
    }
  }

  private void failAll(ShutdownSignalException cause) {
    byPublishId.clear();
    for (Long key : new ArrayList<>(pending.keySet())) {
      Pending p = pending.remove(key);
      if (p != null) {
        p.ack()
            .completed(
                new IOException(
                    "channel closed before the broker confirmed: " + cause.getMessage(), cause));
      }
    }
  }

  /** How many sends await their confirm. */
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public synchronized void close() {
    if (channel != null && channel.isOpen()) {
      try {
        channel.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        // closing anyway: pending sends are failed by the shutdown listener
      }
    }
  }
}
