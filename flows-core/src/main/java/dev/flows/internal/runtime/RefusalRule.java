package dev.flows.internal.runtime;

import dev.flows.BrokerRefusedException;
import java.util.Optional;

/**
 * The one rule for a refusal that retrying cannot fix ({@link BrokerRefusedException}: RabbitMQ or
 * PostgreSQL refusing a host, a virtual host, a database or credentials): refused on a loop's very
 * first attempt to reach its services, the flow stops with it, so a misconfigured deployment fails
 * at start, visibly. A refusal after that, once the service was reached or after another failure
 * (the service may be mid-setup), is retried like any failure, the flow not ready. One per loop,
 * used by its thread only.
 */
final class RefusalRule {
  private boolean attempted;

  /**
   * Records an attempt that failed with {@code failure}: the refusal in its causes if this was the
   * loop's first attempt, which the loop stops with; empty if the loop retries.
   */
  Optional<BrokerRefusedException> failed(Throwable failure) {
    boolean first = !attempted;
    attempted = true;
    return first ? refusal(failure) : Optional.empty();
  }

  /** Records an attempt that succeeded. */
  void succeeded() {
    attempted = true;
  }

  private static Optional<BrokerRefusedException> refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BrokerRefusedException refused) {
        return Optional.of(refused);
      }
    }
    return Optional.empty();
  }
}
