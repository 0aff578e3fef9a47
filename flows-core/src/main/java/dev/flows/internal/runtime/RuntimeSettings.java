package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowKind;
import dev.flows.spi.Connector;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;
import dev.flows.spi.TaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of a {@link dev.flows.runtime.FlowRuntime}, validated by its builder; {@code
 * adminPort} null: no admin server. Kept here so the public runtime class stays small.
 */
public record RuntimeSettings(
    List<Flow> flows,
    Connector connector,
    StateStore stateStore,
    MeterRegistry meterRegistry,
    Clock clock,
    Duration drainTimeout,
    Integer adminPort,
    TaskQueue taskQueue,
    TableSink tableSink) {

  /** A copy with this setting changed. */
  public RuntimeSettings withConnector(Connector value) {
    return new RuntimeSettings(
        flows,
        value,
        stateStore,
        meterRegistry,
        clock,
        drainTimeout,
        adminPort,
        taskQueue,
        tableSink);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withStateStore(StateStore value) {
    return new RuntimeSettings(
        flows,
        connector,
        value,
        meterRegistry,
        clock,
        drainTimeout,
        adminPort,
        taskQueue,
        tableSink);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withMeterRegistry(MeterRegistry value) {
    return new RuntimeSettings(
        flows, connector, stateStore, value, clock, drainTimeout, adminPort, taskQueue, tableSink);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withClock(Clock value) {
    return new RuntimeSettings(
        flows,
        connector,
        stateStore,
        meterRegistry,
        value,
        drainTimeout,
        adminPort,
        taskQueue,
        tableSink);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withDrainTimeout(Duration value) {
    return new RuntimeSettings(
        flows, connector, stateStore, meterRegistry, clock, value, adminPort, taskQueue, tableSink);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withTaskQueue(TaskQueue value) {
    return new RuntimeSettings(
        flows,
        connector,
        stateStore,
        meterRegistry,
        clock,
        drainTimeout,
        adminPort,
        value,
        tableSink);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withTableSink(TableSink value) {
    return new RuntimeSettings(
        flows,
        connector,
        stateStore,
        meterRegistry,
        clock,
        drainTimeout,
        adminPort,
        taskQueue,
        value);
  }

  /** A copy with this setting changed. */
  public RuntimeSettings withAdminPort(Integer value) {
    return new RuntimeSettings(
        flows,
        connector,
        stateStore,
        meterRegistry,
        clock,
        drainTimeout,
        value,
        taskQueue,
        tableSink);
  }

  /** Fails with a {@link FlowDefinitionException} naming the first invalid setting. */
  public void validate() {
    validateFlows();
    for (Flow flow : flows()) {
      require(
          taskQueue() == null && (!flow.inputQueues().isEmpty() || !flow.outputQueues().isEmpty()),
          "taskQueue",
          "flow " + flow.name() + " using a task queue",
          "call .taskQueue(RabbitTaskQueue.create(...))");
      require(
          flow.kind() == FlowKind.STATEFUL && stateStore() == null,
          "stateStore",
          "stateful flow " + flow.name(),
          "call .stateStore(PostgresStateStore.create(...)) or .stateStore(InMemoryStateStore.create())");
      require(
          flow.kind() == FlowKind.MATERIALISE && tableSink() == null,
          "tableSink",
          "materialise flow " + flow.name(),
          "call .tableSink(PostgresTableSink.create(...)) or .tableSink(InMemoryTableSink.create())");
    }
    if (drainTimeout() == null || drainTimeout().isNegative() || drainTimeout().isZero()) {
      throw FlowDefinitionException.of(
          "drainTimeout",
          drainTimeout(),
          "must be a positive duration",
          "use e.g. Duration.ofSeconds(30)");
    }
    if (adminPort() != null && (adminPort() < 0 || adminPort() > 65_535)) {
      throw FlowDefinitionException.of(
          "adminPort", adminPort(), "is not a port number", "use 0 to 65535 (0: a free port)");
    }
    HttpRoutes.validate(flows(), adminPort());
  }

  private void validateFlows() {
    if (flows().isEmpty()) {
      throw FlowDefinitionException.of(
          "flows",
          "none",
          "must hold at least one flow",
          "pass the flows to FlowRuntime.builder(...)");
    }
    Set<String> names = new HashSet<>();
    for (Flow flow : flows()) {
      if (!names.add(Objects.requireNonNull(flow, "flow").name())) {
        throw FlowDefinitionException.of(
            "flow name",
            flow.name(),
            "is used twice in one runtime",
            "give each flow its own name");
      }
    }
    if (connector() == null && flows().stream().anyMatch(RuntimeSettings::usesKafka)) {
      throw FlowDefinitionException.of(
          "connector", null, "is missing", "call .connector(KafkaConnector.create(...))");
    }
  }

  private static void require(boolean missing, String setting, String user, String fix) {
    if (missing) {
      throw FlowDefinitionException.of(setting, null, "is missing for " + user, fix);
    }
  }

  /** Whether a flow reads or writes Kafka (task and cron flows without topics do not). */
  private static boolean usesKafka(Flow flow) {
    boolean ownLoop = flow.kind() == FlowKind.TASK || flow.kind() == FlowKind.CRON;
    return !ownLoop || !flow.inputs().isEmpty() || !flow.outputs().isEmpty();
  }
}
