package dev.flows.testing;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Queue;
import dev.flows.Row;
import dev.flows.StateSpec;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.format.Formats;
import dev.flows.internal.admin.PostRoute;
import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.runtime.AtLeastOnceDelivery;
import dev.flows.internal.runtime.FlowMetrics;
import dev.flows.internal.runtime.FlowWiring;
import dev.flows.internal.runtime.HttpIngress;
import dev.flows.internal.runtime.QueueRouting;
import dev.flows.internal.runtime.Sleeper;
import dev.flows.internal.trace.Untraced;
import dev.flows.spi.Sink;
import dev.flows.state.InMemoryStateStore;
import dev.flows.state.StateReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs flows in memory, without a broker, for users' unit tests: pipe records into topics, read
 * what the flows wrote and dead-lettered, inspect state. Several flows can be chained (a join's two
 * steps, or a pipeline): whatever a flow writes to another's input topic is processed too, before
 * {@code pipe} returns. It runs the same batch processing code as the production runtime,
 * sequentially and without waiting between retries; stateful flows keep state in memory.
 *
 * <pre>{@code
 * try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
 *   driver.input(words).pipe("k", "apple");
 *   assertEquals(List.of("apple updated"), driver.output(updated).readValues());
 * }
 * }</pre>
 */
public final class FlowTestDriver implements AutoCloseable {
  private final InMemorySink sink = new InMemorySink();
  private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  private final InMemoryStateStore stateStore = InMemoryStateStore.create(clock);
  private final InMemoryTableSink tableSink = InMemoryTableSink.create();
  private final Map<String, Integer> positions = new HashMap<>();
  private final InMemoryTaskQueue taskQueue = new InMemoryTaskQueue();
  private final Map<String, Integer> queuePositions = new HashMap<>();
  private final ChainedFlows chained = new ChainedFlows(sink, taskQueue);
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final List<Flow> flows;

  private FlowTestDriver(List<Flow> flows) {
    this.flows = List.copyOf(flows);
    start();
  }

  private void start() {
    for (Flow flow : flows) {
      Sink outputs = QueueRouting.sink(flow, sink, taskQueue);
      FlowWiring.engine(
              flow,
              new FlowWiring.Parts(
                  outputs,
                  new AtLeastOnceDelivery(outputs), // nothing crashes here: the guarantee is moot
                  stateStore,
                  tableSink,
                  null,
                  null,
                  clock,
                  Sleeper.NONE,
                  new FlowMetrics(meters, flow.name()),
                  Untraced.INSTANCE))
          .attach(chained);
    }
  }

  /** A driver for {@code flows}, chained through their topics. */
  public static FlowTestDriver of(Flow... flows) {
    return of(List.of(flows));
  }

  /** A driver for {@code flows}, chained through their topics. */
  public static FlowTestDriver of(List<Flow> flows) {
    if (flows.isEmpty()) {
      throw FlowDefinitionException.of(
          "flows", "none", "must hold at least one flow", "pass the flows under test");
    }
    return new FlowTestDriver(flows);
  }

  /**
   * Stops every flow and starts it again on the same topics, state and committed offsets, as a
   * restarted process would: what the flows kept in memory is gone, and what they committed with
   * their offsets (a windowed flow's stream times) is read back. Every record piped so far was
   * processed and committed.
   */
  public void restart() {
    start();
    chained.assignCommitted();
  }

  /**
   * The meters every flow of this driver records, tagged {@code flow} (docs/metrics.md), e.g.
   * {@code meters().counter("flows.window.late", "flow", name, "action", "drop").count()}.
   */
  public MeterRegistry meters() {
    return meters;
  }

  /** Writes records to {@code topic}, which must be an input of one of the flows. */
  public <K, V> TestInput<K, V> input(Topic<K, V> topic) {
    if (!chained.reads(topic.name())) {
      throw FlowDefinitionException.of(
          "input topic", topic.name(), "is read by none of the flows", "pipe into an input topic");
    }
    return new TestInput<>(this, topic);
  }

  /** Reads what the flows wrote to {@code topic}. */
  public <K, V> TestOutput<K, V> output(Topic<K, V> topic) {
    return new TestOutput<>(this, topic);
  }

  /**
   * Writes tasks to, and reads tasks from, {@code queue}: what flows sent with {@code toQueue}, and
   * for a task flow's queue, tasks to run (see {@link TestQueue}). Dead-lettered tasks are on
   * {@code queue(q.deadLetterQueue(), format)}.
   */
  public <V> TestQueue<V> queue(Queue<V> queue) {
    return new TestQueue<>(this, queue);
  }

  /** Reads the tasks the flows sent to {@code queue}: same as {@link #queue(Queue)}. */
  public <V> TestQueue<V> output(Queue<V> queue) {
    return queue(queue);
  }

  /**
   * Fires a cron flow of this driver once, now: produces its value and publishes it to its queue or
   * topic, and runs whatever consumes that.
   */
  public void fire(Flow cron) {
    CronPlan plan = cron == null ? null : chained.cron(cron.name());
    if (plan == null) {
      throw FlowDefinitionException.of(
          "flow",
          cron == null ? null : cron.name(),
          "is not a cron flow",
          "pass a flow built by Flows.cron");
    }
    Object value;
    try {
      value = plan.produce();
    } catch (Exception e) {
      throw new FlowsException("cron flow " + plan.name() + " failed: " + e.getMessage(), e);
    }
    if (value == null) {
      return;
    }
    if (plan.toQueue()) {
      writeTask(plan.destination(), plan.encode(value), Headers.empty());
    } else {
      write(
          plan.destination(),
          List.of(new TestInput.Encoded(null, plan.encode(value), Headers.empty(), null)));
    }
  }

  /**
   * POSTs {@code body} to {@code path} of an http flow, without a server, answered as the runtime
   * would: {@code 202} once the record is on the in-memory topic (and whatever consumes it ran),
   * {@code 400} undecodable body, {@code 404} another path, {@code 413} too large, {@code 422} the
   * mapping function threw; refused requests write nothing.
   */
  public TestResponse post(Flow http, String path, byte[] body) {
    return post(http, path, body, null);
  }

  /**
   * POSTs {@code body} with the header {@code Idempotency-Key: idempotencyKey} ({@code null}:
   * none): see {@link #post(Flow, String, byte[])}; a key published before within the flow's window
   * is answered {@code 202} with {@code "duplicate":true}, writing nothing.
   */
  public TestResponse post(Flow http, String path, byte[] body, String idempotencyKey) {
    HttpIngress ingress = http == null ? null : chained.ingress(http.name());
    if (ingress == null) {
      throw FlowDefinitionException.of(
          "flow",
          http == null ? null : http.name(),
          "is not an http flow",
          "pass a flow built by Flows.http");
    }
    String topic = http.outputs().get(0).name();
    int before = sink.size(topic);
    PostRoute.Response response =
        ingress
            .route()
            .answer(
                "POST",
                path,
                Objects.requireNonNull(body, "body"),
                idempotencyKey,
                Headers.empty());
    List<Message<byte[], byte[]>> written = sink.read(topic, before);
    if (!written.isEmpty()) {
      chained.deliver(topic, written);
    }
    return new TestResponse(response.status(), response.json() == null ? "" : response.json());
  }

  /** POSTs {@code body} encoded as UTF-8: see {@link #post(Flow, String, byte[])}. */
  public TestResponse post(Flow http, String path, String body) {
    return post(http, path, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the dead letters of every flow written since the last call: original bytes, reason in
   * headers.
   */
  public List<Message<byte[], byte[]>> deadLetters() {
    List<Message<byte[], byte[]>> all = new ArrayList<>();
    chained
        .deadLetterTopics()
        .forEach(
            t -> all.addAll(output(Topic.topic(t, Formats.bytes(), Formats.bytes())).readAll()));
    return all;
  }

  /**
   * The rows a materialise flow wrote to {@code table}, by primary key value (a {@code byte[]} key
   * as a {@link java.nio.ByteBuffer}; a key of several columns as the {@link List} of their values
   * in key order), each with every column of the table, offset and source columns included; deleted
   * markers left out.
   */
  public Map<Object, Row> table(TableSpec table) {
    return tableSink.rows(table.name());
  }

  /** The committed state of {@code id} (the persistence id), if any: see {@link StateReader}. */
  public <S> Optional<S> state(StateSpec<S> spec, String id) {
    return stateStore.reader(spec).find(id);
  }

  /**
   * The sessions of the key {@code id} of a session-windowed flow, oldest first, each with its
   * window and state: see {@link StateReader#sessions}.
   */
  public <S> List<KeyValue<Windowed<String>, S>> sessions(StateSpec<S> spec, String id) {
    return stateStore.reader(spec).sessions(id);
  }

  /**
   * When the timer of the key {@code id} of a flow with timers fires, if it has one: see {@link
   * StateReader#timer}.
   */
  public Optional<Instant> timer(StateSpec<?> spec, String id) {
    return stateStore.reader(spec).timer(id);
  }

  /**
   * The driver's wall clock now: the system's time when the driver was made (to the millisecond, as
   * timers keep it), moved only by {@link #advanceWallClock}. Wall-clock timers ({@link
   * dev.flows.dsl.StatefulOutput#timersOnWallClock()}) and the state retention read it.
   */
  public Instant wallClock() {
    return clock.instant();
  }

  /**
   * Moves the driver's wall clock on by {@code duration} (it starts at the system's time when the
   * driver is made and moves only when told), then runs what waits for time: the wall-clock timers
   * it made due ({@link dev.flows.dsl.StatefulOutput#timersOnWallClock()}), fired without a record
   * as the runtime fires those of a partition without new records, and the purge of expired state
   * rows ({@link StateSpec#withRetention}), as the runtime does in the background. Every record
   * piped so far has been processed, so every row is behind the committed offsets: a row last
   * written {@code retention} or longer ago is deleted, and its key starts from the initial state
   * when seen again.
   *
   * @param duration how far, not negative
   */
  public void advanceWallClock(Duration duration) {
    clock.advance(duration);
    chained.tick();
    chained.purgeRows();
  }

  void write(String topic, List<TestInput.Encoded> records) {
    List<Message<byte[], byte[]>> batch = new ArrayList<>(records.size());
    records.forEach(
        r -> batch.add(sink.append(topic, r.key(), r.value(), r.headers(), r.timestamp())));
    chained.deliver(topic, batch);
  }

  List<Message<byte[], byte[]>> readNew(String topic) {
    int from = positions.getOrDefault(topic, 0);
    List<Message<byte[], byte[]>> records = sink.read(topic, from);
    positions.put(topic, from + records.size());
    return records;
  }

  void writeTask(String queue, byte[] body, Headers headers) {
    chained.runTasks(queue, List.of(taskQueue.append(queue, body, headers)));
  }

  List<Message<byte[], byte[]>> readNewTasks(String queue) {
    int from = queuePositions.getOrDefault(queue, 0);
    List<Message<byte[], byte[]>> written = taskQueue.read(queue, from);
    queuePositions.put(queue, from + written.size());
    return written;
  }

  @Override
  public void close() {
    sink.close();
  }
}
