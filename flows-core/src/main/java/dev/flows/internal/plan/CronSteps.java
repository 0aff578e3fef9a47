package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.dsl.CronBuilder;
import dev.flows.dsl.CronOutput;
import dev.flows.dsl.CronScheduled;
import dev.flows.dsl.ValueSupplier;
import dev.flows.internal.cron.Schedule;
import java.util.Objects;

/** The immutable steps of a cron chain. */
public final class CronSteps {
  private CronSteps() {}

  /** The start of a cron chain for a validated name. */
  public static CronBuilder start(String name, FlowOptions options) {
    return expression -> new Scheduled(name, options, Schedule.parse(expression));
  }

  private record Scheduled(String name, FlowOptions options, Schedule schedule)
      implements CronScheduled {
    @Override
    public <V> CronOutput<V> produce(ValueSupplier<? extends V> supplier) {
      return new Output<>(this, Objects.requireNonNull(supplier, "supplier"));
    }
  }

  private record Output<V>(Scheduled scheduled, ValueSupplier<?> supplier)
      implements CronOutput<V> {
    @Override
    public Flow toQueue(Queue<V> queue) {
      Objects.requireNonNull(queue, "queue");
      return new CronPlan(
          scheduled.name(), scheduled.options(), scheduled.schedule(), supplier, queue, null);
    }

    @Override
    public Flow to(Topic<?, V> topic) {
      Objects.requireNonNull(topic, "topic");
      return new CronPlan(
          scheduled.name(), scheduled.options(), scheduled.schedule(), supplier, null, topic);
    }
  }
}
