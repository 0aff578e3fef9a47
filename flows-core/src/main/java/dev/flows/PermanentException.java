package dev.flows;

/**
 * Thrown by user code to say that this record can never succeed: it is dead-lettered at once,
 * without retries ({@link FailureClass#PERMANENT}).
 */
public class PermanentException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A permanent failure with a message and its cause (may be {@code null}). */
  public PermanentException(String message, Throwable cause) {
    super(message, cause);
  }
}
