package dev.flows.internal.runtime;

import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.spi.CronClaims;

/**
 * A cron flow: a value produced on a schedule, published to its queue or topic by the replica that
 * claimed the firing in {@code claims}.
 */
record CronEngine(CronPlan plan, CronClaims claims, FlowMetrics metrics, FlowTracer tracer)
    implements Engine {

  /** The state store, when the claims are a store's. */
  @Override
  public StoreUse storeUse() {
    return claims == CronClaims.EVERY_INSTANCE ? StoreUse.NONE : StoreUse.STATE_STORE;
  }

  @Override
  public FlowLoop loop(LoopParts parts) {
    return new CronLoop(plan, parts, claims, metrics, tracer);
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
