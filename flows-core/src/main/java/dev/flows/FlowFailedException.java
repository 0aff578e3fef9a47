package dev.flows;

/**
 * A flow stopped because a record failed under a fail-fast {@link ErrorPolicy}. The offsets of the
 * failed batch are not committed, so the record is processed again when the flow restarts.
 */
public class FlowFailedException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A flow failure with a message and its cause. */
  public FlowFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
