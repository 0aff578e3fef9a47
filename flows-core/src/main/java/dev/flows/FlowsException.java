package dev.flows;

/** Root of every exception Flows throws. Unchecked: callers decide where to handle failures. */
public class FlowsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public FlowsException(String message) {
    super(message);
  }

  /** An exception with a message and its cause. */
  public FlowsException(String message, Throwable cause) {
    super(message, cause);
  }
}
