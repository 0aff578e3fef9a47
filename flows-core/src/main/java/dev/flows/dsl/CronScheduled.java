package dev.flows.dsl;

/** A cron flow whose schedule is set: choose what each firing produces. */
public interface CronScheduled {
  /** Calls {@code supplier} at each firing; a {@code null} value produces nothing. */
  <V> CronOutput<V> produce(ValueSupplier<? extends V> supplier);
}
