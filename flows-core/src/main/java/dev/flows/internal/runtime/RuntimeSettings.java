package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Guarantee;
import dev.flows.internal.plan.Plan;
import dev.flows.internal.trace.Tracing;
import dev.flows.internal.trace.Tracings;
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
 * adminPort} null: no admin server. Changed through a copy-builder ({@link #toBuilder()}). What one
 * flow kind needs (a state store, a table sink) is checked where that kind is wired ({@link
 * FlowWiring}); what the runtime as a whole needs, here.
 *
 * @param flows the flows to run
 * @param connector opens sources and the sink, {@code null} if no flow uses Kafka
 * @param stateStore the state store of stateful flows, {@code null} if none
 * @param meterRegistry a registry to add to the runtime's own, {@code null} if none
 * @param clock the clock of batch waits and schedules
 * @param drainTimeout how long a stop waits for running work
 * @param adminPort the admin server's port ({@code 0}: a free one), {@code null}: no server
 * @param taskQueue the task queue, {@code null} if no flow uses one
 * @param tableSink the table sink of materialise flows, {@code null} if none
 * @param guarantee the guarantee of flows that leave it to the runtime: at-least-once or
 *     exactly-once
 * @param tracing the runtime's tracing, {@code null}: {@code GlobalOpenTelemetry}'s if the API is
 *     on the class path ({@link #tracingOrGlobal()})
 * @param recordSpans whether stateless and stateful flows trace each record, besides each batch
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
    TableSink tableSink,
    Guarantee guarantee,
    Tracing tracing,
    boolean recordSpans) {

  /**
   * The defaults for {@code flows}: system clock, a drain of {@code drainTimeout}, nothing else.
   */
  public static RuntimeSettings of(List<Flow> flows, Duration drainTimeout) {
    return new RuntimeSettings(
        List.copyOf(flows),
        null,
        null,
        null,
        Clock.systemUTC(),
        drainTimeout,
        null,
        null,
        null,
        Guarantee.AT_LEAST_ONCE,
        null,
        false);
  }

  /** A builder starting from these settings, for a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a changed copy of settings. Not thread-safe; use once. */
  public static final class Builder {
    private final List<Flow> flows;
    private Connector connector;
    private StateStore stateStore;
    private MeterRegistry meterRegistry;
    private Clock clock;
    private Duration drainTimeout;
    private Integer adminPort;
    private TaskQueue taskQueue;
    private TableSink tableSink;
    private Guarantee guarantee;
    private Tracing tracing;
    private boolean recordSpans;

    private Builder(RuntimeSettings from) {
      flows = from.flows;
      connector = from.connector;
      stateStore = from.stateStore;
      meterRegistry = from.meterRegistry;
      clock = from.clock;
      drainTimeout = from.drainTimeout;
      adminPort = from.adminPort;
      taskQueue = from.taskQueue;
      tableSink = from.tableSink;
      guarantee = from.guarantee;
      tracing = from.tracing;
      recordSpans = from.recordSpans;
    }

    public Builder connector(Connector value) {
      connector = value;
      return this;
    }

    public Builder stateStore(StateStore value) {
      stateStore = value;
      return this;
    }

    public Builder meterRegistry(MeterRegistry value) {
      meterRegistry = value;
      return this;
    }

    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    public Builder drainTimeout(Duration value) {
      drainTimeout = value;
      return this;
    }

    public Builder adminPort(Integer value) {
      adminPort = value;
      return this;
    }

    public Builder taskQueue(TaskQueue value) {
      taskQueue = value;
      return this;
    }

    public Builder tableSink(TableSink value) {
      tableSink = value;
      return this;
    }

    public Builder guarantee(Guarantee value) {
      guarantee = value;
      return this;
    }

    public Builder tracing(Tracing value) {
      tracing = value;
      return this;
    }

    public Builder recordSpans(boolean value) {
      recordSpans = value;
      return this;
    }

    /** The settings. */
    public RuntimeSettings build() {
      return new RuntimeSettings(
          flows,
          connector,
          stateStore,
          meterRegistry,
          clock,
          drainTimeout,
          adminPort,
          taskQueue,
          tableSink,
          guarantee,
          tracing,
          recordSpans);
    }
  }

  /** Fails with a {@link FlowDefinitionException} naming the first invalid setting. */
  public void validate() {
    if (guarantee() == null || guarantee() == Guarantee.RUNTIME_DEFAULT) {
      throw FlowDefinitionException.of(
          "guarantee",
          guarantee(),
          "must say what the runtime's flows default to",
          "use Guarantee.AT_LEAST_ONCE or Guarantee.EXACTLY_ONCE");
    }
    validateFlows();
    for (Flow flow : flows()) {
      if (taskQueue() == null
          && (!flow.inputQueues().isEmpty() || !flow.outputQueues().isEmpty())) {
        throw FlowDefinitionException.of(
            "taskQueue",
            null,
            "is missing for flow " + flow.name() + " using a task queue",
            "call .taskQueue(RabbitTaskQueue.create(...))");
      }
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
    if (recordSpans() && tracing() == null) {
      Tracings.require("per-record spans (recordSpans, FLOWS_TRACING_RECORD_SPANS)");
    }
  }

  /**
   * The runtime's tracing: the one it was given, else through {@code GlobalOpenTelemetry} when the
   * OpenTelemetry API is on the class path, else off. The one place that decides.
   */
  public Tracing tracingOrGlobal() {
    return tracing() != null ? tracing() : Tracings.global();
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

  /**
   * The guarantee {@code flow} runs with: its own choice, else the runtime's where the flow can
   * honour it, else at-least-once. The one place that decides.
   *
   * @throws FlowDefinitionException if the flow asks for exactly-once and cannot have it
   */
  public Guarantee guaranteeOf(Flow flow) {
    String refusal =
        flow instanceof Plan plan ? plan.exactlyOnceRefusal() : "it was not built by Flows";
    Guarantee own = flow.options().guarantee();
    if (own == Guarantee.EXACTLY_ONCE && refusal != null) {
      throw FlowDefinitionException.of(
          "guarantee",
          own,
          "cannot hold for flow " + flow.name() + ": " + refusal,
          "use Guarantee.AT_LEAST_ONCE");
    }
    if (own != Guarantee.RUNTIME_DEFAULT) {
      return own;
    }
    return guarantee() == Guarantee.EXACTLY_ONCE && refusal == null
        ? Guarantee.EXACTLY_ONCE
        : Guarantee.AT_LEAST_ONCE;
  }

  /**
   * Whether a flow reads or writes Kafka: any flow with topics (task and cron flows may have none).
   */
  private static boolean usesKafka(Flow flow) {
    return !flow.inputs().isEmpty() || !flow.outputs().isEmpty();
  }
}
