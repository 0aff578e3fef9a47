package dev.flows;

/**
 * A broker refused this client for a reason that retrying cannot fix: an unknown host or virtual
 * host, or credentials it does not accept. The message names the cause and the fix. A task flow
 * refused on its very first connection stops with it (its status and {@code /health/ready} show the
 * message), so a misconfigured deployment fails visibly instead of retrying forever; refused after
 * it once connected, it keeps retrying and stays not ready.
 */
public class BrokerRefusedException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A refusal with a message naming the cause and the fix, and the client's exception. */
  public BrokerRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
