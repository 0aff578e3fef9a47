package dev.flows.internal.plan;

import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.Topic;
import dev.flows.dsl.TaskFlow;
import dev.flows.dsl.TaskFunction;
import dev.flows.internal.lineage.LineageGraph;
import java.util.List;
import java.util.Objects;

/**
 * A task flow: consume a queue, run the function, optionally publish the result to a topic. It has
 * no Kafka input; its dead letters go to the queue's dead-letter queue.
 *
 * @param <R> the result type
 */
public final class TaskPlan<R> extends Plan implements TaskFlow<R> {
  private final Queue<?> queue;
  private final TaskOptions taskOptions;
  private final TaskFunction<Object, ?> function;
  private final Topic<?, ?> resultTopic;

  @SuppressWarnings("unchecked")
  TaskPlan(
      String name,
      TaskOptions taskOptions,
      Queue<?> queue,
      TaskFunction<?, ?> function,
      Topic<?, ?> resultTopic) {
    super(
        name,
        FlowKind.TASK,
        flowOptions(taskOptions),
        List.of(),
        resultTopic == null ? List.of() : List.of(resultTopic));
    this.queue = queue;
    this.taskOptions = taskOptions;
    this.function = (TaskFunction<Object, ?>) function;
    this.resultTopic = resultTopic;
  }

  private static FlowOptions flowOptions(TaskOptions o) {
    ErrorPolicy policy =
        ErrorPolicy.defaults()
            .withMaxAttempts(o.maxAttempts())
            .withBackoff(o.initialBackoff(), o.maxBackoff());
    return FlowOptions.defaults().withConcurrency(o.concurrency()).withErrorPolicy(policy);
  }

  @Override
  public Flow to(Topic<?, R> topic) {
    return new TaskPlan<R>(
        name(), taskOptions, queue, function, Objects.requireNonNull(topic, "topic"));
  }

  /** The queue it consumes. */
  public Queue<?> queue() {
    return queue;
  }

  /** Concurrency, timeout and retries. */
  public TaskOptions taskOptions() {
    return taskOptions;
  }

  /** The result topic, or {@code null}. */
  public Topic<?, ?> resultTopic() {
    return resultTopic;
  }

  /** Decodes a task body with the queue's format; throws {@link dev.flows.FormatException}. */
  public Object decode(byte[] body) {
    return Codec.decode(queue.valueFormat(), body, "task of queue " + queue.name());
  }

  /** Runs the user function: the caller is the one place that calls user code. */
  public Object run(Object task) throws Exception {
    return function.apply(task);
  }

  /** Encodes a result with the result topic's value format. */
  public byte[] encodeResult(Object result) {
    return Codec.encode(resultTopic.valueFormat(), result);
  }

  @Override
  public String deadLetterTopic() {
    return queue.deadLetterQueue();
  }

  /** Its queue's dead-letter queue. */
  @Override
  String deadLetterNode(LineageGraph graph) {
    return graph.queue(queue.deadLetterQueue());
  }

  @Override
  public List<Queue<?>> inputQueues() {
    return List.of(queue);
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.task(this);
  }

  @Override
  List<String> stepLabels() {
    return List.of(
        "run (timeout "
            + taskOptions.timeout().toMillis()
            + "ms, backoff "
            + taskOptions.initialBackoff().toMillis()
            + ".."
            + taskOptions.maxBackoff().toMillis()
            + "ms, prefetch "
            + taskOptions.prefetch()
            + ")");
  }
}
