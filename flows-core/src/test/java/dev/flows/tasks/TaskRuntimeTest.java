package dev.flows.tasks;

import static dev.flows.Queue.queue;
import static dev.flows.format.Formats.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.BrokerRefusedException;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowStatus;
import dev.flows.spi.CronClaims;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.OutgoingTask;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TaskHandler;
import dev.flows.spi.TaskQueue;
import dev.flows.spi.TaskSubscription;
import dev.flows.spi.TopicLedger;
import dev.flows.tracing.Spans;
import dev.flows.tracing.Spans.TraceParent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Task and cron flows run by the runtime over a task queue that hands its deliveries to the test.
 */
class TaskRuntimeTest {
  record Resize(String path) {}

  private static final Queue<Resize> RESIZE = queue("images.resize", json(Resize.class));

  private final HandingQueue tasks = new HandingQueue();

  static Flow worker() {
    return Flows.task("shop-images-resize", TaskOptions.defaults().withMaxAttempts(2))
        .from(RESIZE)
        .run(
            resize -> {
              if (resize.path().startsWith("bad")) {
                throw new IllegalArgumentException("corrupt " + resize.path());
              }
              return null;
            });
  }

  @Test
  void shouldTimeEveryAttemptByOutcomeWhenTasksSucceedFailAndRunOutOfAttempts() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FlowRuntime runtime =
        FlowRuntime.builder(worker()).taskQueue(tasks).meterRegistry(registry).build().start()) {
      TaskHandler handler = tasks.handler.get(30, TimeUnit.SECONDS);

      handler.handle(task("{\"path\":\"a.png\"}", 1));
      handler.handle(task("{\"path\":\"b.png\"}", 2));
      assertThrows(
          IllegalArgumentException.class, () -> handler.handle(task("{\"path\":\"bad.png\"}", 1)));
      assertThrows(
          IllegalArgumentException.class, () -> handler.handle(task("{\"path\":\"bad.png\"}", 2)));
      assertThrows(FormatException.class, () -> handler.handle(task("{\"path\":", 1)));

      assertEquals(
          Map.of("success", 2L, "retry", 1L, "dead_letter", 2L),
          attemptsByOutcome(registry, "shop-images-resize"));
    }
  }

  @Test
  void shouldNotBeReadyWhileTheTaskQueueOfACronFlowIsDisconnectedAndRecoverAfter()
      throws Exception {
    Flow sweep =
        Flows.cron("shop-images-sweep")
            .schedule("* * * * * *")
            .produce(() -> new Resize("sweep.png"))
            .toQueue(RESIZE);
    try (FlowRuntime runtime = FlowRuntime.builder(sweep).taskQueue(tasks).build().start()) {
      until("a firing published", () -> tasks.published.get() >= 1);
      until("ready", runtime::isReady);

      tasks.connected = false;
      until("not ready", () -> !runtime.isReady() && !runtime.status().get(0).connected());
      until("a firing retrying its publish", () -> tasks.refused.get() >= 2);
      int published = tasks.published.get();
      tasks.connected = true;
      until("ready again", runtime::isReady);
      until("the firing published after all", () -> tasks.published.get() > published);
    }
  }

  @Test
  void shouldPublishEachFiringWithTheTraceparentOfItsOwnSpanWhenTraced() {
    Flow sweep =
        Flows.cron("shop-images-sweep")
            .schedule("* * * * * *")
            .produce(() -> new Resize("sweep.png"))
            .toQueue(RESIZE);
    try (Spans spans = new Spans();
        FlowRuntime runtime =
            FlowRuntime.builder(sweep)
                .taskQueue(tasks)
                .openTelemetry(spans.openTelemetry())
                .build()
                .start()) {
      until("a firing published", () -> tasks.published.get() >= 1);
      TraceParent carried =
          TraceParent.parse(tasks.lastHeaders.lastString("traceparent").orElseThrow());

      SpanData firing = spans.await(carried.spanId(), Duration.ofSeconds(10));
      assertEquals("shop-images-sweep fire", firing.getName());
      assertFalse(firing.getParentSpanContext().isValid(), "a firing starts a trace");
    }
  }

  @Test
  void shouldNotBeReadyWhileTheStoreCannotClaimFiringsAndPublishOnceItCan() throws Exception {
    Flow sweep =
        Flows.cron("shop-images-sweep")
            .schedule("* * * * * *")
            .produce(() -> new Resize("sweep.png"))
            .toQueue(RESIZE);
    AtomicBoolean down = new AtomicBoolean(true);
    AtomicInteger failedClaims = new AtomicInteger();
    StateStore store =
        new ClaimingStore(
            (flow, tick) -> {
              if (down.get()) {
                failedClaims.incrementAndGet();
                throw new FlowsException("state database: cannot claim tick " + tick);
              }
              return true;
            });
    try (FlowRuntime runtime =
        FlowRuntime.builder(sweep).taskQueue(tasks).stateStore(store).build().start()) {
      until("a claim retried", () -> failedClaims.get() >= 2);
      until("not ready", () -> !runtime.isReady());
      assertEquals(0, tasks.published.get(), "nothing published without a claim");

      down.set(false);
      until("ready again", runtime::isReady);
      until("a firing published", () -> tasks.published.get() >= 1);
    }
  }

  @Test
  void shouldStopTheCronFlowWithTheRefusalWhenItsFirstClaimIsRefused() {
    Flow sweep =
        Flows.cron("shop-images-sweep")
            .schedule("* * * * * *")
            .produce(() -> new Resize("sweep.png"))
            .toQueue(RESIZE);
    BrokerRefusedException refused =
        new BrokerRefusedException("PostgreSQL has no database 'x': CREATE DATABASE x", null);
    StateStore store =
        new ClaimingStore(
            (flow, tick) -> {
              throw refused;
            });
    try (FlowRuntime runtime =
        FlowRuntime.builder(sweep).taskQueue(tasks).stateStore(store).build().start()) {
      until(
          "stopped with the refusal",
          () -> runtime.status().get(0).failure() != null && !runtime.status().get(0).running());

      assertEquals(refused.toString(), runtime.status().get(0).failure());
      assertEquals(0, tasks.published.get());
    }
  }

  @Test
  void shouldNotBeReadyWhileTheTaskQueueIsDisconnected() throws Exception {
    try (FlowRuntime runtime = FlowRuntime.builder(worker()).taskQueue(tasks).build().start()) {
      until("ready", runtime::isReady);

      tasks.connected = false;
      until("not ready", () -> !runtime.isReady() && !runtime.status().get(0).connected());
      tasks.connected = true;
      until("ready again", runtime::isReady);
    }
  }

  @Test
  void shouldStopWithTheRefusalWhenTheFirstSubscribeIsRefused() {
    tasks.consumeFailures.add(new BrokerRefusedException("refused virtual host '': use %2F", null));
    try (FlowRuntime runtime = FlowRuntime.builder(worker()).taskQueue(tasks).build().start()) {
      // not "not running" alone: that also holds before the loop's thread has started
      until(
          "stopped with a failure",
          () -> runtime.status().get(0).failure() != null && !runtime.status().get(0).running());
      assertEquals(
          "dev.flows.BrokerRefusedException: refused virtual host '': use %2F",
          runtime.status().get(0).failure());
      assertFalse(runtime.isReady());
      assertFalse(tasks.handler.isDone());
    }
  }

  @Test
  void shouldRetryARefusalAndReportItWhenAnotherFailureCameFirst() {
    tasks.consumeFailures.add(new FlowsException("connection refused"));
    tasks.refusing = new BrokerRefusedException("refused virtual host 'new'", null);
    try (FlowRuntime runtime = FlowRuntime.builder(worker()).taskQueue(tasks).build().start()) {
      until(
          "the refusal reported while retrying",
          () -> {
            FlowStatus status = runtime.status().get(0);
            return status.running()
                && status
                    .toJson()
                    .contains(
                        "\"retrying\":\"dev.flows.BrokerRefusedException: "
                            + "refused virtual host 'new'\"");
          });
      assertFalse(runtime.isReady());
      tasks.refusing = null;
      until("ready", runtime::isReady);
      assertTrue(tasks.consumeFailures.isEmpty());
      assertNull(runtime.status().get(0).failure());
      assertNull(runtime.status().get(0).retrying());
    }
  }

  private static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static IncomingTask task(String body, int attempt) {
    return new IncomingTask(
        RESIZE.name(), body.getBytes(StandardCharsets.UTF_8), Headers.empty(), attempt);
  }

  private static Map<String, Long> attemptsByOutcome(SimpleMeterRegistry registry, String flow) {
    Map<String, Long> counts = new TreeMap<>();
    for (Timer timer : registry.find("flows.task.duration").tag("flow", flow).timers()) {
      counts.put(timer.getId().getTag("outcome"), timer.count());
    }
    return counts;
  }

  /** A state store whose only part in use is its cron claims. */
  private record ClaimingStore(CronClaims claims) implements StateStore {
    @Override
    public StateTable table(String name) {
      throw new UnsupportedOperationException("no tables");
    }

    @Override
    public TopicLedger topics() {
      throw new UnsupportedOperationException("no topics");
    }

    @Override
    public CronClaims cronClaims() {
      return claims;
    }

    @Override
    public void close() {}
  }

  /**
   * Hands the handler of the one consumer to the test, which plays the broker's deliveries; reports
   * a connection as told, and refuses sends while it is lost.
   */
  static final class HandingQueue implements TaskQueue {
    final CompletableFuture<TaskHandler> handler = new CompletableFuture<>();
    final AtomicInteger published = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final ConcurrentLinkedQueue<RuntimeException> consumeFailures = new ConcurrentLinkedQueue<>();
    volatile RuntimeException refusing;
    volatile boolean connected = true;
    volatile Headers lastHeaders;

    @Override
    public void send(OutgoingTask task, Sink.Ack ack) {
      if (connected) {
        lastHeaders = task.headers();
        published.incrementAndGet();
        ack.completed(null);
      } else {
        refused.incrementAndGet();
        ack.completed(new IOException("connection to the broker lost"));
      }
    }

    @Override
    public void flush(Duration timeout) {}

    @Override
    public TaskSubscription consume(
        String flow,
        String queue,
        TaskOptions options,
        Duration drainTimeout,
        TaskHandler taskHandler) {
      RuntimeException failure = consumeFailures.poll();
      if (failure != null) {
        throw failure;
      }
      if (refusing != null) {
        throw refusing;
      }
      handler.complete(taskHandler);
      return () -> {};
    }

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public void close() {}
  }
}
