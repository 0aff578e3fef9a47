package dev.flows.internal.plan;

/**
 * What to do with each kind of plan: the one place a caller decides by kind, checked by the
 * compiler (a new kind adds a method here, and every visitor must handle it).
 *
 * @param <R> what the visit gives
 */
public interface PlanVisitor<R> {
  /** A stateless flow, and a join's merge step. */
  R stateless(StatelessPlan plan);

  /** A stateful flow, and a join's stateful step. */
  R stateful(StatefulPlan plan);

  /** A collector flow. */
  R collector(CollectorPlan plan);

  /** A materialise flow. */
  R materialise(MaterialisePlan plan);

  /** A task flow. */
  R task(TaskPlan<?> plan);

  /** A cron flow. */
  R cron(CronPlan plan);

  /** An http flow. */
  R http(HttpPlan plan);
}
