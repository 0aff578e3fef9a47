package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.plan.TaskPlan;

/**
 * Builds the loops of flows without a Kafka source (task, cron, http): one place for {@link
 * RunningFlow}.
 */
final class OwnLoops {
  private OwnLoops() {}

  /** The loop of {@code flow}, or {@code null} when it reads Kafka topics (a poll loop runs it). */
  static FlowLoop create(
      Flow flow, RunningFlow.Shared shared, FlowMetrics metrics, FlowState state) {
    if (flow instanceof TaskPlan<?> task) {
      TaskProcessor processor = new TaskProcessor(task, shared.sink(), metrics);
      return new TaskLoop(
          task, shared.taskQueue(), processor, shared.drainTimeout(), shared.clock(), state);
    }
    if (flow instanceof CronPlan cron) {
      return new CronLoop(cron, shared.sink(), shared.taskQueue(), shared.clock(), state);
    }
    if (flow
        instanceof
        dev.flows.internal.plan.HttpPlan
                http) { // its requests run on the admin server's route pool
      return new HttpLoop(
          new HttpIngress(http, shared.sink(), metrics),
          shared.sink(),
          shared.drainTimeout(),
          shared.clock(),
          state);
    }
    return null;
  }
}
