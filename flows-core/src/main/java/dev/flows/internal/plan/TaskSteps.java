package dev.flows.internal.plan;

import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.dsl.TaskBuilder;
import dev.flows.dsl.TaskFlow;
import dev.flows.dsl.TaskFunction;
import dev.flows.dsl.TaskSource;
import java.util.Objects;

/** The immutable steps of a task chain. */
public final class TaskSteps {
  private TaskSteps() {}

  /** The start of a task chain for a validated name. */
  public static TaskBuilder start(String name, TaskOptions options) {
    return new TaskBuilder() {
      @Override
      public <V> TaskSource<V> from(Queue<V> queue) {
        return new Source<>(name, options, Objects.requireNonNull(queue, "queue"));
      }
    };
  }

  private record Source<V>(String name, TaskOptions options, Queue<V> queue)
      implements TaskSource<V> {
    @Override
    public <R> TaskFlow<R> run(TaskFunction<? super V, ? extends R> function) {
      return new TaskPlan<>(
          name, options, queue, Objects.requireNonNull(function, "function"), null);
    }
  }
}
