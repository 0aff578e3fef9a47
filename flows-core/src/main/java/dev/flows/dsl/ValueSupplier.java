package dev.flows.dsl;

/**
 * Produces a value, e.g. at each firing of a cron flow.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface ValueSupplier<V> {
  /** The next value, or {@code null} for none. Throw to fail the attempt. */
  V get() throws Exception;
}
