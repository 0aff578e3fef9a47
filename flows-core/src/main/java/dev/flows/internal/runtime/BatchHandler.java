package dev.flows.internal.runtime;

/** Processes whole batches for the polling loop: stateless or stateful. */
public interface BatchHandler {

  /**
   * Processes the batch and returns once every output is acknowledged. Throws {@link
   * dev.flows.FlowFailedException} to stop the flow, anything else to have the batch rewound and
   * retried.
   */
  void process(Batch batch);

  /** Partitions moved: drop anything cached for them. Called on the polling thread. */
  default void partitionsChanged() {}
}
