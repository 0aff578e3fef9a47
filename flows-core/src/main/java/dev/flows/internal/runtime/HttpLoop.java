package dev.flows.internal.runtime;

import dev.flows.internal.admin.PostRoute;
import dev.flows.spi.Sink;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of an http flow. Requests run on the admin server's route pool, not here: this loop
 * only reports health (live while it runs, connected while the sink reaches its broker) and, on
 * stop, refuses new requests and waits for those in flight so their records are acknowledged before
 * the runtime closes the sink.
 */
final class HttpLoop implements FlowLoop {
  private static final Logger LOG = LoggerFactory.getLogger(HttpLoop.class);

  private final HttpIngress ingress;
  private final Sink sink;
  private final Duration drainTimeout;
  private final Clock clock;
  private final FlowState state;
  private final StopSignal signal = new StopSignal();

  HttpLoop(HttpIngress ingress, Sink sink, Duration drainTimeout, Clock clock, FlowState state) {
    this.ingress = ingress;
    this.sink = sink;
    this.drainTimeout = drainTimeout;
    this.clock = clock;
    this.state = state;
  }

  /** The route the admin server serves for this flow. */
  PostRoute route() {
    return ingress.route();
  }

  @Override
  public void run() {
    signal.enter();
    state.running(true);
    state.assigned(true);
    state.healthy(true);
    try {
      signal.reportUntilStopped(state, clock, sink::isConnected);
      ingress.close();
      state.assigned(
          false); // not ready: load balancers stop sending while the requests in flight finish
      if (!ingress.awaitIdle(drainTimeout)) {
        LOG.warn(
            "requests still awaiting the broker after {}: their clients get no 2xx", drainTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      state.assigned(false);
      state.running(false);
    }
  }

  @Override
  public void stop() {
    signal.stop();
  }
}
