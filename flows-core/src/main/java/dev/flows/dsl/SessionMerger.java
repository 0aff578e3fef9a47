package dev.flows.dsl;

/**
 * Joins the states of two sessions of one key that a record brought within the gap of each other:
 * {@code earlier} started first. A failure dead-letters the record, and leaves both sessions as
 * they were.
 *
 * @param <K> the record key type
 * @param <S> the state type
 */
@FunctionalInterface
public interface SessionMerger<K, S> {
  /** The state of the joined session of {@code key}. */
  S merge(K key, S earlier, S later) throws Exception;
}
