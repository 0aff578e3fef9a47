package dev.flows.internal.runtime;

import dev.flows.FlowsException;

/**
 * User code failed with a {@linkplain dev.flows.FailureClass#TRANSIENT transient} failure: the
 * batch stops here and is rewound and retried with backoff, the flow not ready meanwhile; nothing
 * is dead-lettered.
 */
final class TransientFailure extends FlowsException {
  private static final long serialVersionUID = 1L;

  TransientFailure(Exception cause) {
    super("transient failure, the batch is retried until it succeeds: " + cause, cause);
  }
}
