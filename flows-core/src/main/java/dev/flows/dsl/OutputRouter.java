package dev.flows.dsl;

/**
 * Chooses the topic of each output of a 1:2 stateful flow.
 *
 * @param <O> the output type
 */
@FunctionalInterface
public interface OutputRouter<O> {
  /** {@code true} to publish {@code output} to the first topic, {@code false} for the second. */
  boolean toFirst(O output);
}
