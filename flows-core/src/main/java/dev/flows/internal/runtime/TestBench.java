package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.plan.TaskPlan;

/** Where an {@link Engine} registers with the in-memory test driver, by what drives it. */
public interface TestBench {
  /** A flow driven by batches of its input topics' records. */
  void batches(Flow flow, BatchHandler handler);

  /** A task flow, driven by tasks of its queue. */
  void tasks(TaskPlan<?> plan, TaskProcessor processor);

  /** A cron flow, fired on demand. */
  void firings(CronPlan plan);

  /** An http flow, driven by requests. */
  void requests(Flow flow, HttpIngress ingress);

  /** The purge of a stateful flow's expired rows, run when the test moves the clock on. */
  void rowPurges(Flow flow, RowPurger purger);
}
