package dev.flows.internal.runtime;

import dev.flows.internal.plan.TaskPlan;

/** A task flow: tasks of a queue, run by a processor. */
record TaskEngine(TaskPlan<?> plan, TaskProcessor processor) implements Engine {

  @Override
  public FlowLoop loop(LoopParts parts) {
    return new TaskLoop(
        plan, parts.taskQueue(), processor, parts.drainTimeout(), parts.clock(), parts.state());
  }

  @Override
  public String threadName() {
    return "task";
  }

  @Override
  public void attach(TestBench bench) {
    bench.tasks(plan, processor);
  }
}
