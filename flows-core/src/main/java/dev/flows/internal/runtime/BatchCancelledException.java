package dev.flows.internal.runtime;

import dev.flows.FlowsException;

/**
 * A batch stops because it was cancelled (or its thread interrupted): never a failed attempt of
 * user code, never a dead letter; the batch is not committed and is read again.
 */
final class BatchCancelledException extends FlowsException {
  private static final long serialVersionUID = 1L;

  BatchCancelledException(String message, Throwable cause) {
    super(message, cause);
  }
}
