package dev.flows;

/**
 * Thrown by user code to say that something it depends on is down, whatever the cause: the record
 * is not dead-lettered, its batch is retried until the dependency is back ({@link
 * FailureClass#TRANSIENT}).
 *
 * <pre>{@code
 * catch (ConnectException e) {
 *   throw new TransientException("pricing service unreachable", e);
 * }
 * }</pre>
 */
public class TransientException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A transient failure with a message and its cause. */
  public TransientException(String message, Throwable cause) {
    super(message, cause);
  }
}
