package dev.flows.internal.runtime;

import dev.flows.FlowsException;

/**
 * The broker did not acknowledge every output of a batch: an infrastructure failure. The batch is
 * not committed; the runtime rewinds it and tries again after a backoff.
 */
public final class PublishFailedException extends FlowsException {
  private static final long serialVersionUID = 1L;

  PublishFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
