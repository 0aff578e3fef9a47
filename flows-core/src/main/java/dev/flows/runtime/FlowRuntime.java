package dev.flows.runtime;

import dev.flows.Flow;
import dev.flows.FlowsException;
import dev.flows.Guarantee;
import dev.flows.Lineage;
import dev.flows.internal.admin.AdminServer;
import dev.flows.internal.admin.PostRoute;
import dev.flows.internal.runtime.HttpRoutes;
import dev.flows.internal.runtime.JvmMeters;
import dev.flows.internal.runtime.LazySink;
import dev.flows.internal.runtime.RunningFlow;
import dev.flows.internal.runtime.RuntimeSettings;
import dev.flows.internal.runtime.StoreReservations;
import dev.flows.internal.trace.OtelTracing;
import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;
import dev.flows.spi.TaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs flows against a broker. Each flow gets its own polling thread and consumer group (its name);
 * all flows of a runtime share one sink. {@link #close()} drains: stop polling, finish the current
 * batch, commit, close. With an {@linkplain Builder#adminPort(int) admin port} it serves {@code
 * /health/live}, {@code /health/ready}, {@code /metrics} (Prometheus text: the {@link
 * dev.flows.metrics.FlowsMetric} catalogue and the {@link dev.flows.metrics.JvmMetric} meters) and
 * {@code /topology} (the {@link Lineage} of its flows, drawn; {@code /topology.json} as data). With
 * the OpenTelemetry API on the class path it traces each batch, task, request and firing (see
 * {@link Builder#openTelemetry}). Built by {@link #builder(Flow...)}.
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

  private final RuntimeSettings settings;
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MeterRegistry registry;
  private JvmMeters jvmMeters;
  private final Sink sink;
  private final List<RunningFlow> running = new ArrayList<>();
  private final RuntimeHealth health;
  private AdminServer admin;
  private StoreReservations reservations;
  private boolean started;
  private boolean closed;

  private FlowRuntime(RuntimeSettings given) {
    this.settings = given.toBuilder().tracing(given.tracingOrGlobal()).build();
    RuntimeSettings settings = this.settings;
    CompositeMeterRegistry registry = new CompositeMeterRegistry();
    registry.add(prometheus);
    if (settings.meterRegistry() != null) {
      registry.add(settings.meterRegistry());
    }
    this.registry = registry;
    this.sink =
        settings.connector() == null
            ? null
            : new LazySink(
                () -> settings.connector().sink("flows-" + settings.flows().get(0).name()));
    for (Flow flow : settings.flows()) {
      running.add(new RunningFlow(flow, settings, sink, registry));
    }
    HttpRoutes.validate(running, settings.adminPort());
    this.health = new RuntimeHealth(running, settings.clock(), prometheus::scrape);
  }

  /** Starts building a runtime for {@code flows} (at least one, names unique). */
  public static Builder builder(Flow... flows) {
    return new Builder(
        RuntimeSettings.of(List.of(flows), Duration.ofSeconds(DEFAULT_DRAIN_TIMEOUT_SECONDS)));
  }

  /** Immutable builder: every method returns a new builder. */
  public static final class Builder {
    private final RuntimeSettings settings;

    private Builder(RuntimeSettings settings) {
      this.settings = settings;
    }

    /** The broker connector, e.g. {@code KafkaConnector.create(config)}. Required. */
    public Builder connector(Connector connector) {
      return new Builder(settings.toBuilder().connector(connector).build());
    }

    /**
     * Where stateful flows keep state: {@code PostgresStateStore} or {@code InMemoryStateStore}.
     */
    public Builder stateStore(StateStore store) {
      return new Builder(settings.toBuilder().stateStore(store).build());
    }

    /**
     * A registry that gets every metric too, besides the runtime's own Prometheus registry behind
     * {@code /metrics}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      return new Builder(
          settings.toBuilder().meterRegistry(Objects.requireNonNull(registry, "registry")).build());
    }

    /**
     * How long shutdown waits for the current batch; default {@value
     * #DEFAULT_DRAIN_TIMEOUT_SECONDS} s.
     */
    public Builder drainTimeout(Duration timeout) {
      return new Builder(settings.toBuilder().drainTimeout(timeout).build());
    }

    /** The clock batch waits are measured with (a seam for tests). */
    public Builder clock(Clock clock) {
      return new Builder(
          settings.toBuilder().clock(Objects.requireNonNull(clock, "clock")).build());
    }

    /**
     * Serves the admin endpoints on {@code port} (0: a free port); by default there is no admin
     * server. Http flows ({@code Flows.http}) serve their routes on it too, so they require it.
     */
    public Builder adminPort(int port) {
      return new Builder(settings.toBuilder().adminPort(port).build());
    }

    /**
     * The task queue, e.g. {@code RabbitTaskQueue.create(uri)}: required by task flows and by flows
     * ending in {@code toQueue}. The runtime does not close it.
     */
    public Builder taskQueue(TaskQueue queue) {
      return new Builder(
          settings.toBuilder().taskQueue(Objects.requireNonNull(queue, "queue")).build());
    }

    /**
     * Where materialise flows write their tables, e.g. {@code PostgresTableSink.create(dataSource)}
     * or {@code InMemoryTableSink.create()}: required by materialise flows. The runtime does not
     * close it.
     */
    public Builder tableSink(TableSink sink) {
      return new Builder(
          settings.toBuilder().tableSink(Objects.requireNonNull(sink, "sink")).build());
    }

    /**
     * The guarantee of every flow that leaves it to the runtime ({@link Guarantee#RUNTIME_DEFAULT},
     * the default): {@link Guarantee#AT_LEAST_ONCE} (the default) or {@link
     * Guarantee#EXACTLY_ONCE}, which then applies to every flow that can honour it (those reading
     * and writing only Kafka) while the others stay at-least-once. {@code
     * FLOWS_PROCESSING_GUARANTEE} sets it for {@code FlowsMain}.
     */
    public Builder guarantee(Guarantee guarantee) {
      return new Builder(settings.toBuilder().guarantee(guarantee).build());
    }

    /**
     * Traces through {@code openTelemetry} (an SDK the service built) instead of {@code
     * GlobalOpenTelemetry}, which the runtime uses by default when the OpenTelemetry API is on the
     * class path (the Java agent sets it). Each batch of a flow reading topics is a span ({@code
     * <flow> batch}) linked to the span context each record carries in its W3C {@code traceparent}
     * header; each task, request and cron firing is a span too; every output, dead letter and task
     * published carries the {@code traceparent} of the span it came from, in place of the one its
     * input carried. Without the API on the class path, and with a no-op OpenTelemetry, nothing is
     * traced and headers pass through unchanged.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      return new Builder(settings.toBuilder().tracing(OtelTracing.of(openTelemetry)).build());
    }

    /**
     * Whether stateless and stateful flows also trace each record they process ({@code <flow>
     * process}, a child of the record's span context), so its outputs continue the record's own
     * trace; default {@code false}: one span per batch. A span per record costs throughput (one
     * span started, ended and exported per record). Needs the OpenTelemetry API on the class path.
     * {@code FLOWS_TRACING_RECORD_SPANS} sets it for {@code FlowsMain}.
     */
    public Builder recordSpans(boolean recordSpans) {
      return new Builder(settings.toBuilder().recordSpans(recordSpans).build());
    }

    /**
     * Validates the settings and builds the runtime; nothing connects until {@link
     * FlowRuntime#start()}.
     */
    public FlowRuntime build() {
      settings.validate();
      return new FlowRuntime(settings);
    }
  }

  /**
   * Reserves a connection of the state store and table sink for each flow that uses one (a store
   * with its own pool grows it to that, or refuses a pool set smaller), then starts one polling
   * thread per flow, and the admin server if configured; binds the clients' own metrics to the
   * registry: each flow's source tagged with its {@code flow}, the shared sink with {@code flow=""}
   * (it serves every flow). Returns at once.
   *
   * @throws dev.flows.FlowDefinitionException if a store's pool is set smaller than its flows need
   */
  public synchronized FlowRuntime start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    reservations = StoreReservations.reserve(running, settings.stateStore(), settings.tableSink());
    started = true;
    jvmMeters = JvmMeters.bind(prometheus);
    // The sink serves every flow: tagged flow="", so its meters have the sources' tag keys, as
    // Prometheus needs.
    if (sink != null) {
      sink.bindMetrics(registry, Tags.of("flow", ""));
    }
    if (settings.adminPort() != null) {
      List<PostRoute> routes = running.stream().flatMap(r -> r.route().stream()).toList();
      admin =
          AdminServer.start(
              settings.adminPort(), health, routes, Lineage.of(settings.flows()).toJson());
      LOG.info(
          "admin endpoints on port {}: /health/live /health/ready /metrics /topology{}",
          admin.port(),
          routes.stream().map(r -> " POST " + r.path()).collect(Collectors.joining()));
    }
    running.forEach(RunningFlow::start);
    LOG.info(
        "started {}; tracing: {}{}",
        settings.flows().stream().map(Flow::name).toList(),
        settings.tracing().describe(),
        settings.recordSpans() ? ", a span per record" : "");
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
    return health.isLive(within);
  }

  /** Whether every flow is connected, has partitions assigned and its last batch succeeded. */
  public boolean isReady() {
    return health.isReady();
  }

  /** The health states of the flows, by name. */
  public List<FlowStatus> status() {
    return health.status();
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
    if (jvmMeters != null) {
      jvmMeters.close();
    }
    if (reservations != null) {
      reservations.close();
    }
    LOG.info("stopped {}", settings.flows().stream().map(Flow::name).toList());
  }
}
