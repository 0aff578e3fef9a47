package dev.flows.dsl;

/**
 * Maps a value to a new value. May throw: the flow's {@link dev.flows.ErrorPolicy} decides.
 *
 * @param <V> the input value type
 * @param <VR> the result type
 */
@FunctionalInterface
public interface ValueMapper<V, VR> {
  /** The new value for {@code value}. */
  VR apply(V value) throws Exception;
}
