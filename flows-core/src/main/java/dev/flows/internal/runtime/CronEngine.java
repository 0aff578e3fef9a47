package dev.flows.internal.runtime;

import dev.flows.internal.plan.CronPlan;

/** A cron flow: a value produced on a schedule, published to its queue or topic. */
record CronEngine(CronPlan plan, FlowMetrics metrics) implements Engine {

  @Override
  public FlowLoop loop(LoopParts parts) {
    return new CronLoop(
        plan, parts.kafka(), parts.taskQueue(), parts.clock(), parts.state(), metrics);
  }

  @Override
  public String threadName() {
    return "cron";
  }

  @Override
  public void attach(TestBench bench) {
    bench.firings(plan);
  }
}
