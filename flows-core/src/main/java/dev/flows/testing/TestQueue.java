package dev.flows.testing;

import dev.flows.Headers;
import dev.flows.Queue;
import dev.flows.internal.plan.Codec;
import java.util.List;

/**
 * Writes tasks to, and reads tasks from, one in-memory queue of a {@link FlowTestDriver}. A task
 * written here runs at once in every task flow consuming the queue (each attempt without delay,
 * then the dead-letter queue {@code <queue>.dlq}); reads return what was written since the previous
 * read of this queue through the driver.
 *
 * @param <V> the task type
 */
public final class TestQueue<V> {
  private final FlowTestDriver driver;
  private final Queue<V> queue;

  TestQueue(FlowTestDriver driver, Queue<V> queue) {
    this.driver = driver;
    this.queue = queue;
  }

  /**
   * Sends one task; task flows consuming the queue run it (and everything downstream) before this
   * returns.
   */
  public void pipe(V task) {
    driver.writeTask(queue.name(), Codec.encode(queue.valueFormat(), task), Headers.empty());
  }

  /** Sends raw bytes: for undecodable tasks. */
  public void pipeRaw(byte[] body) {
    driver.writeTask(queue.name(), body, Headers.empty());
  }

  /** The tasks written since the last read, decoded, in order. */
  @SuppressWarnings("unchecked")
  public List<V> readValues() {
    return driver.readNewTasks(queue.name()).stream()
        .map(m -> (V) Codec.decode(queue.valueFormat(), m.value(), "task of queue " + queue.name()))
        .toList();
  }

  /** The headers of the tasks written since the last read, in order (e.g. dead-letter reasons). */
  public List<Headers> readHeaders() {
    return driver.readNewTasks(queue.name()).stream().map(m -> m.headers()).toList();
  }
}
