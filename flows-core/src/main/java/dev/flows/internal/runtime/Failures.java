package dev.flows.internal.runtime;

import dev.flows.ErrorPolicy;
import dev.flows.FailureClass;
import dev.flows.Flow;
import dev.flows.FlowFailedException;
import dev.flows.Message;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.spi.OutgoingRecord;

/** Turns a record that failed for good into a dead letter, or stops the flow under fail-fast. */
final class Failures {
  private final Flow flow;
  private final DeadLetters deadLetters;
  private final FlowMetrics metrics;

  Failures(Flow flow, FlowMetrics metrics) {
    this.flow = flow;
    this.deadLetters = new DeadLetters(flow.name(), flow.deadLetterTopic());
    this.metrics = metrics;
  }

  /**
   * The dead letter for {@code raw}; throws {@link FlowFailedException} under a fail-fast policy.
   */
  OutgoingRecord deadLetter(
      Message<byte[], byte[]> raw, Exception error, int attempts, Stage stage) {
    if (flow.options().errorPolicy().onExhausted() == ErrorPolicy.Exhausted.FAIL) {
      throw new FlowFailedException(
          "flow "
              + flow.name()
              + " failed on "
              + InputDecoder.where(raw)
              + " after "
              + attempts
              + " attempt(s): "
              + error.getMessage(),
          error);
    }
    metrics.deadLetter(stage);
    FailureClass failureClass =
        stage == Stage.PROCESS
            ? flow.options().errorPolicy().classify(error)
            : FailureClass.PERMANENT; // undecodable, refused by the broker or the store
    return deadLetters.of(raw, error, attempts, stage, failureClass);
  }
}
