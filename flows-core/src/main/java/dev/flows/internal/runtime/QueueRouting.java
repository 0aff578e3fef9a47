package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Queue;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.OutgoingTask;
import dev.flows.spi.Sink;
import dev.flows.spi.TaskQueue;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sends the outputs of a flow ending in a task queue ({@code toQueue}) to the {@link TaskQueue},
 * and everything else (dead letters) to the Kafka sink. Batch processors see one {@link Sink}, so
 * the queue's confirmations travel the same ack path as Kafka's: offsets are committed only after
 * every task of the batch was confirmed. A queue never shares its name with the flow's dead-letter
 * topic (checked when the flow is built), so routing by name is unambiguous.
 */
public final class QueueRouting implements Sink {
  private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(5);

  private final Sink kafka;
  private final TaskQueue queue;
  private final Set<String> queueNames;

  private QueueRouting(Sink kafka, TaskQueue queue, Set<String> queueNames) {
    this.kafka = kafka;
    this.queue = queue;
    this.queueNames = queueNames;
  }

  /** {@code kafka} itself for flows without output queues; else a routing sink. */
  public static Sink sink(Flow flow, Sink kafka, TaskQueue queue) {
    if (flow.outputQueues().isEmpty()) {
      return kafka;
    }
    if (queue == null) {
      throw FlowDefinitionException.of(
          "taskQueue",
          null,
          "is missing for flow " + flow.name() + " writing to a task queue",
          "call .taskQueue(RabbitTaskQueue.create(...)) on the runtime builder");
    }
    return new QueueRouting(
        kafka,
        queue,
        flow.outputQueues().stream().map(Queue::name).collect(Collectors.toUnmodifiableSet()));
  }

  @Override
  public void send(OutgoingRecord record, Ack ack) {
    if (queueNames.contains(record.topic())) {
      queue.send(new OutgoingTask(record.topic(), record.value(), record.headers()), ack);
    } else {
      kafka.send(record, ack);
    }
  }

  @Override
  public void flush() {
    queue.flush(FLUSH_TIMEOUT);
    kafka.flush();
  }

  /** Whether both the Kafka sink and the task queue reach their brokers. */
  @Override
  public boolean isConnected() {
    return kafka.isConnected() && queue.isConnected();
  }

  @Override
  public boolean isRecordError(Exception error) {
    return kafka.isRecordError(error);
  }

  /** The shared sink and task queue belong to the runtime, which closes them. */
  @Override
  public void close() {}
}
