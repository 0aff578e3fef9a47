package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.internal.admin.PostRoute;
import java.util.Optional;

/** An http flow: requests to a route of the admin server, each published as a record. */
record HttpEngine(Flow flow, HttpIngress ingress) implements Engine {

  @Override
  public FlowLoop loop(LoopParts parts) {
    return new HttpLoop(ingress, parts.kafka(), parts.drainTimeout(), parts.clock(), parts.state());
  }

  @Override
  public String threadName() {
    return "http"; // its requests run on the admin server's route pool; this thread reports health
  }

  @Override
  public void attach(TestBench bench) {
    bench.requests(flow, ingress);
  }

  @Override
  public Optional<PostRoute> route() {
    return Optional.of(ingress.route());
  }
}
