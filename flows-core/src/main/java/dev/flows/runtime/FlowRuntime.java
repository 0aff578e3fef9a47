package dev.flows.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowKind;
import dev.flows.FlowsException;
import dev.flows.internal.admin.AdminServer;
import dev.flows.internal.runtime.RunningFlow;
import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;
import dev.flows.spi.TaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs flows against a broker. Each flow gets its own polling thread and consumer group (its name);
 * all flows of a runtime share one sink. {@link #close()} drains: stop polling, finish the current
 * batch, commit, close. With an {@linkplain Builder#adminPort(int) admin port} it serves {@code
 * /health/live}, {@code /health/ready} and {@code /metrics} (Prometheus text). Built by {@link
 * #builder(Flow...)}.
 */
public final class FlowRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlowRuntime.class);

  /** How long {@link #close()} waits for the current batches by default: {@value} seconds. */
  public static final long DEFAULT_DRAIN_TIMEOUT_SECONDS = 30;

  /**
   * How recently every polling loop must have gone round for {@code /health/live}: {@value}
   * seconds.
   */
  public static final long LIVENESS_WINDOW_SECONDS = 60;

  private final Settings settings;
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MeterRegistry registry;
  private final Sink sink;
  private final List<RunningFlow> running = new ArrayList<>();
  private AdminServer admin;
  private boolean started;
  private boolean closed;

  private FlowRuntime(Settings settings) {
    this.settings = settings;
    CompositeMeterRegistry registry = new CompositeMeterRegistry();
    registry.add(prometheus);
    if (settings.meterRegistry() != null) {
      registry.add(settings.meterRegistry());
    }
    this.registry = registry;
    this.sink =
        settings.connector() == null
            ? null
            : settings.connector().sink("flows-" + settings.flows().get(0).name());
    for (Flow flow : settings.flows()) {
      running.add(
          new RunningFlow(
              flow,
              new RunningFlow.Shared(
                  settings.connector(),
                  sink,
                  settings.stateStore(),
                  registry,
                  settings.clock(),
                  settings.drainTimeout(),
                  settings.taskQueue(),
                  settings.tableSink())));
    }
  }

  /** Starts building a runtime for {@code flows} (at least one, names unique). */
  public static Builder builder(Flow... flows) {
    return new Builder(
        new Settings(
            List.of(flows),
            null,
            null,
            null,
            Clock.systemUTC(),
            Duration.ofSeconds(DEFAULT_DRAIN_TIMEOUT_SECONDS),
            null,
            null,
            null));
  }

  /**
   * The settings of a runtime, validated by {@link Builder#build()}; {@code adminPort} null: no
   * admin server.
   */
  private record Settings(
      List<Flow> flows,
      Connector connector,
      StateStore stateStore,
      MeterRegistry meterRegistry,
      Clock clock,
      Duration drainTimeout,
      Integer adminPort,
      TaskQueue taskQueue,
      dev.flows.spi.TableSink tableSink) {

    Settings withConnector(Connector value) {
      return new Settings(
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

    Settings withStateStore(StateStore value) {
      return new Settings(
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

    Settings withMeterRegistry(MeterRegistry value) {
      return new Settings(
          flows,
          connector,
          stateStore,
          value,
          clock,
          drainTimeout,
          adminPort,
          taskQueue,
          tableSink);
    }

    Settings withClock(Clock value) {
      return new Settings(
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

    Settings withDrainTimeout(Duration value) {
      return new Settings(
          flows,
          connector,
          stateStore,
          meterRegistry,
          clock,
          value,
          adminPort,
          taskQueue,
          tableSink);
    }

    Settings withTaskQueue(TaskQueue value) {
      return new Settings(
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

    Settings withTableSink(dev.flows.spi.TableSink value) {
      return new Settings(
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

    Settings withAdminPort(Integer value) {
      return new Settings(
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
  }

  /** Immutable builder: every method returns a new builder. */
  public static final class Builder {
    private final Settings settings;

    private Builder(Settings settings) {
      this.settings = settings;
    }

    /** The broker connector, e.g. {@code KafkaConnector.create(config)}. Required. */
    public Builder connector(Connector connector) {
      return new Builder(settings.withConnector(connector));
    }

    /**
     * Where stateful flows keep state: {@code PostgresStateStore} or {@code InMemoryStateStore}.
     */
    public Builder stateStore(StateStore store) {
      return new Builder(settings.withStateStore(store));
    }

    /**
     * A registry that gets every metric too, besides the runtime's own Prometheus registry behind
     * {@code /metrics}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      return new Builder(settings.withMeterRegistry(Objects.requireNonNull(registry, "registry")));
    }

    /**
     * How long shutdown waits for the current batch; default {@value
     * #DEFAULT_DRAIN_TIMEOUT_SECONDS} s.
     */
    public Builder drainTimeout(Duration timeout) {
      return new Builder(settings.withDrainTimeout(timeout));
    }

    /** The clock batch waits are measured with (a seam for tests). */
    public Builder clock(Clock clock) {
      return new Builder(settings.withClock(Objects.requireNonNull(clock, "clock")));
    }

    /**
     * Serves the admin endpoints on {@code port} (0: a free port); by default there is no admin
     * server. Http flows ({@code Flows.http}) serve their routes on it too, so they require it.
     */
    public Builder adminPort(int port) {
      return new Builder(settings.withAdminPort(port));
    }

    /**
     * The task queue, e.g. {@code RabbitTaskQueue.create(uri)}: required by task flows and by flows
     * ending in {@code toQueue}. The runtime does not close it.
     */
    public Builder taskQueue(TaskQueue queue) {
      return new Builder(settings.withTaskQueue(Objects.requireNonNull(queue, "queue")));
    }

    /**
     * Where materialise flows write their tables, e.g. {@code PostgresTableSink.create(dataSource)}
     * or {@code InMemoryTableSink.create()}: required by materialise flows. The runtime does not
     * close it.
     */
    public Builder tableSink(dev.flows.spi.TableSink sink) {
      return new Builder(settings.withTableSink(Objects.requireNonNull(sink, "sink")));
    }

    /**
     * Validates the settings and builds the runtime; nothing connects until {@link
     * FlowRuntime#start()}.
     */
    public FlowRuntime build() {
      validate(settings);
      return new FlowRuntime(settings);
    }

    private static void validate(Settings s) {
      if (s.flows().isEmpty()) {
        throw FlowDefinitionException.of(
            "flows",
            "none",
            "must hold at least one flow",
            "pass the flows to FlowRuntime.builder(...)");
      }
      Set<String> names = new HashSet<>();
      for (Flow flow : s.flows()) {
        if (!names.add(Objects.requireNonNull(flow, "flow").name())) {
          throw FlowDefinitionException.of(
              "flow name",
              flow.name(),
              "is used twice in one runtime",
              "give each flow its own name");
        }
      }
      if (s.connector() == null && s.flows().stream().anyMatch(FlowRuntime::usesKafka)) {
        throw FlowDefinitionException.of(
            "connector", null, "is missing", "call .connector(KafkaConnector.create(...))");
      }
      for (Flow flow : s.flows()) {
        if (s.taskQueue() == null
            && (!flow.inputQueues().isEmpty() || !flow.outputQueues().isEmpty())) {
          throw FlowDefinitionException.of(
              "taskQueue",
              null,
              "is missing for flow " + flow.name() + " using a task queue",
              "call .taskQueue(RabbitTaskQueue.create(...))");
        }
      }
      for (Flow flow : s.flows()) {
        if (flow.kind() == FlowKind.STATEFUL && s.stateStore() == null) {
          throw FlowDefinitionException.of(
              "stateStore",
              null,
              "is missing for stateful flow " + flow.name(),
              "call .stateStore(PostgresStateStore.create(...)) or .stateStore(InMemoryStateStore.create())");
        }
      }
      for (Flow flow : s.flows()) {
        if (flow.kind() == FlowKind.MATERIALISE && s.tableSink() == null) {
          throw FlowDefinitionException.of(
              "tableSink",
              null,
              "is missing for materialise flow " + flow.name(),
              "call .tableSink(PostgresTableSink.create(...)) or .tableSink(InMemoryTableSink.create())");
        }
      }
      if (s.drainTimeout() == null || s.drainTimeout().isNegative() || s.drainTimeout().isZero()) {
        throw FlowDefinitionException.of(
            "drainTimeout",
            s.drainTimeout(),
            "must be a positive duration",
            "use e.g. Duration.ofSeconds(30)");
      }
      if (s.adminPort() != null && (s.adminPort() < 0 || s.adminPort() > 65_535)) {
        throw FlowDefinitionException.of(
            "adminPort", s.adminPort(), "is not a port number", "use 0 to 65535 (0: a free port)");
      }
      dev.flows.internal.runtime.HttpRoutes.validate(s.flows(), s.adminPort());
    }
  }

  /** Whether a flow reads or writes Kafka (task and cron flows without topics do not). */
  private static boolean usesKafka(Flow flow) {
    boolean ownLoop = flow.kind() == FlowKind.TASK || flow.kind() == FlowKind.CRON;
    return !ownLoop || !flow.inputs().isEmpty() || !flow.outputs().isEmpty();
  }

  /**
   * Starts one polling thread per flow, and the admin server if configured; binds the clients' own
   * metrics to the registry: each flow's source tagged with its {@code flow}, the shared sink with
   * {@code flow=""} (it serves every flow). Returns at once.
   */
  public synchronized FlowRuntime start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    if (sink
        != null) { // shared by every flow: flow="", so its meters have the tag keys of the sources'
                   // (Prometheus needs that)
      sink.bindMetrics(registry, Tags.of("flow", ""));
    }
    if (settings.adminPort() != null) {
      List<dev.flows.internal.admin.PostRoute> routes =
          running.stream().flatMap(r -> r.route().stream()).toList();
      admin = AdminServer.start(settings.adminPort(), new Probes(), routes);
      LOG.info(
          "admin endpoints on port {}: /health/live /health/ready /metrics{}",
          admin.port(),
          routes.stream().map(r -> " POST " + r.path()).collect(Collectors.joining()));
    }
    running.forEach(RunningFlow::start);
    LOG.info("started {}", settings.flows().stream().map(Flow::name).toList());
    return this;
  }

  /**
   * Starts, stops on SIGTERM or Ctrl-C (draining the current batches), and blocks until every flow
   * stopped. Throws if a flow failed, so {@code main} exits non-zero.
   */
  public void runUntilShutdown() {
    Thread hook = new Thread(this::close, "flows-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    start();
    running.forEach(RunningFlow::awaitStopped);
    close();
    running.stream()
        .map(r -> r.state().failure())
        .filter(Objects::nonNull)
        .findFirst()
        .ifPresent(
            f -> {
              throw new FlowsException("a flow failed: " + f.getMessage(), f);
            });
  }

  /**
   * Whether every flow's polling thread is running and went round its loop within {@code within}.
   */
  public boolean isLive(Duration within) {
    long now = settings.clock().millis();
    return running.stream()
        .allMatch(
            r -> r.state().isRunning() && now - r.state().lastLoopMillis() <= within.toMillis());
  }

  /** Whether every flow is connected, has partitions assigned and its last batch succeeded. */
  public boolean isReady() {
    return running.stream()
        .allMatch(
            r ->
                r.state().isRunning()
                    && r.state().isConnected()
                    && r.state().isAssigned()
                    && r.state().isHealthy());
  }

  /** The health states of the flows, by name. */
  public List<FlowStatus> status() {
    return running.stream().map(r -> FlowStatus.of(r.flow().name(), r.state())).toList();
  }

  /** The port of the admin endpoints, once started with an admin port. */
  public synchronized OptionalInt adminPort() {
    return admin == null ? OptionalInt.empty() : OptionalInt.of(admin.port());
  }

  /**
   * Stops every flow (finishing and committing its current batch), then closes the sink.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running.forEach(RunningFlow::stop);
    running.forEach(RunningFlow::awaitStopped);
    if (sink != null) {
      sink.close();
    }
    if (admin != null) {
      admin.close();
    }
    LOG.info("stopped {}", settings.flows().stream().map(Flow::name).toList());
  }

  /** What the admin endpoints read. */
  private final class Probes implements AdminServer.Probes {
    @Override
    public boolean live() {
      return isLive(Duration.ofSeconds(LIVENESS_WINDOW_SECONDS));
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
      return prometheus.scrape();
    }
  }
}
