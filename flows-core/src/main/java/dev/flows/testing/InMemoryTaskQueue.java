package dev.flows.testing;

import dev.flows.DeadLetterHeaders;
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.PermanentException;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.TransientException;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.OutgoingTask;
import dev.flows.spi.Sink;
import dev.flows.spi.TaskHandler;
import dev.flows.spi.TaskQueue;
import dev.flows.spi.TaskSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory task queues for the test driver: an append-only log per queue, confirmed at once. The
 * driver runs task flows itself ({@link #runAttempts}): every attempt at once, without delays, then
 * the dead-letter queue with the same headers the broker's dead letters carry.
 */
final class InMemoryTaskQueue implements TaskQueue {
  private final Map<String, List<Message<byte[], byte[]>>> logs = new HashMap<>();

  @Override
  public synchronized void send(OutgoingTask task, Sink.Ack ack) {
    append(task.queue(), task.body(), task.headers());
    ack.completed(null);
  }

  synchronized Message<byte[], byte[]> append(String queue, byte[] body, Headers headers) {
    List<Message<byte[], byte[]>> log = logs.computeIfAbsent(queue, q -> new ArrayList<>());
    Message<byte[], byte[]> message = new Message<>(queue, 0, log.size(), 0L, null, body, headers);
    log.add(message);
    return message;
  }

  /** The tasks of {@code queue} from {@code offset} on. */
  synchronized List<Message<byte[], byte[]>> read(String queue, int offset) {
    List<Message<byte[], byte[]>> log = logs.getOrDefault(queue, List.of());
    return offset >= log.size() ? List.of() : List.copyOf(log.subList(offset, log.size()));
  }

  /**
   * Runs {@code task} under {@code options}' attempts; dead-letters it to {@code <queue>.dlq} when
   * they are used up, or at once when it can never succeed. A transient failure leaves the task on
   * the queue, untouched: the driver does not wait for a dependency to come back.
   */
  void runAttempts(
      String flow, Message<byte[], byte[]> task, TaskOptions options, TaskHandler handler) {
    for (int attempt = 1; ; attempt++) {
      try {
        handler.handle(new IncomingTask(task.topic(), task.value(), task.headers(), attempt));
        return;
      } catch (TransientException e) {
        return;
      } catch (Exception e) {
        if (e instanceof FormatException
            || e instanceof PermanentException
            || attempt >= options.maxAttempts()) {
          append(
              task.topic() + Queue.DEAD_LETTER_SUFFIX,
              task.value(),
              task.headers()
                  .with(DeadLetterHeaders.ERROR_CLASS, e.getClass().getName())
                  .with(DeadLetterHeaders.ERROR_MESSAGE, String.valueOf(e.getMessage()))
                  .with(
                      DeadLetterHeaders.ERROR_STAGE,
                      e instanceof FormatException ? "decode" : "process")
                  .with(DeadLetterHeaders.FLOW, flow)
                  .with(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempt)));
          return;
        }
      }
    }
  }

  @Override
  public void flush(Duration timeout) {}

  /** The driver runs task flows itself. */
  @Override
  public TaskSubscription consume(
      String flow, String queue, TaskOptions options, Duration drainTimeout, TaskHandler handler) {
    throw new UnsupportedOperationException("the test driver runs task flows itself");
  }

  @Override
  public void close() {}
}
