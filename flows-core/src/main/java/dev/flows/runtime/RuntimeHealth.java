package dev.flows.runtime;

import dev.flows.internal.admin.AdminServer;
import dev.flows.internal.runtime.RunningFlow;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The health of a runtime's flows, as its methods and the admin endpoints report it. */
final class RuntimeHealth implements AdminServer.Probes {
  private final List<RunningFlow> running;
  private final Clock clock;
  private final Supplier<String> scrape;

  RuntimeHealth(List<RunningFlow> running, Clock clock, Supplier<String> scrape) {
    this.running = running;
    this.clock = clock;
    this.scrape = scrape;
  }

  /** Whether every flow's loop is running and went round within {@code within}. */
  boolean isLive(Duration within) {
    long now = clock.millis();
    return running.stream()
        .allMatch(
            r -> r.state().isRunning() && now - r.state().lastLoopMillis() <= within.toMillis());
  }

  /** Whether every flow is running, connected, assigned and its last batch succeeded. */
  boolean isReady() {
    return running.stream()
        .allMatch(
            r ->
                r.state().isRunning()
                    && r.state().isConnected()
                    && r.state().isAssigned()
                    && r.state().isHealthy());
  }

  /** Every flow's status. */
  List<FlowStatus> status() {
    return running.stream().map(r -> FlowStatus.of(r.flow().name(), r.state())).toList();
  }

  @Override
  public boolean live() {
    return isLive(Duration.ofSeconds(FlowRuntime.LIVENESS_WINDOW_SECONDS));
  }

  @Override
  public boolean ready() {
    return isReady();
  }

  @Override
  public String statusJson() {
    return status().stream().map(FlowStatus::toJson).collect(Collectors.joining(",", "[", "]"));
  }

  @Override
  public String scrape() {
    return scrape.get();
  }
}
