package dev.flows;

/**
 * A record could not be decoded (or encoded) by its {@link dev.flows.format.Format}. Such records
 * go to the dead-letter topic without retries: decoding again cannot succeed.
 */
public class FormatException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A format failure with a message and its cause. */
  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
