package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Topic;

/**
 * A complete task flow without results, which can still get a result topic.
 *
 * @param <R> the result type
 */
public interface TaskFlow<R> extends Flow {
  /**
   * A copy that writes each non-null result to {@code topic} (without a key). The task is
   * acknowledged only after Kafka acknowledged its result: a crash in between runs the task again.
   */
  Flow to(Topic<?, R> topic);
}
