package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.BrokerRefusedException;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.FlowsException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The refusal rule on a Kafka-sourced flow (docs/operations.md, "PostgreSQL's refusals"): a refusal
 * that retrying cannot fix stops the flow when its first batch meets it; after another failure it
 * is retried like any failure, shown as the flow's {@code retrying} until a batch succeeds.
 */
class PollLoopRefusalTest {
  private static final SourcePartition WORDS_0 = new SourcePartition("words", 0);
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final Flow flow =
      Flows.stateless("test-refusal-loop", FlowOptions.defaults().withMaxRecords(1))
          .from(topic("words", string(), string()))
          .to(topic("words-out", string(), string()));
  private final FlowState state = new FlowState();
  private final ConcurrentLinkedQueue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger batches = new AtomicInteger();

  @Test
  void shouldStopWithTheRefusalWhenTheFirstBatchIsRefused() throws InterruptedException {
    BrokerRefusedException refused = new BrokerRefusedException("no database 'x': create it", null);
    failures.add(new FlowsException("state table t: cannot load 1 rows", refused));

    Thread loop = start();
    loop.join(DEADLINE.toMillis());

    assertFalse(loop.isAlive(), "the loop stopped");
    assertSame(refused, state.failure());
    assertFalse(state.isRunning());
    assertEquals(1, batches.get(), "not retried");
  }

  @Test
  void shouldRetryTheRefusalShowingItWhenAnotherFailureCameFirst() throws InterruptedException {
    failures.add(new FlowsException("connection refused"));
    failures.add(new BrokerRefusedException("no database 'x': create it", null));
    PollLoop loop = loop();
    Thread thread = new Thread(loop, "test-refusal-loop");
    thread.start();
    try {
      until(
          "the refusal shown as retrying",
          () -> state.retrying() instanceof BrokerRefusedException);
      assertTrue(state.isRunning());
      assertFalse(state.isHealthy());
      assertNull(state.failure());

      until("a batch succeeded", () -> batches.get() >= 3 && state.isHealthy());
      assertNull(state.retrying(), "cleared by the success");
    } finally {
      loop.stop();
      thread.join(DEADLINE.toMillis());
    }
  }

  private Thread start() {
    Thread thread = new Thread(loop(), "test-refusal-loop");
    thread.start();
    return thread;
  }

  private PollLoop loop() {
    return new PollLoop(
        flow,
        new ReplayingSource(List.of(record(0))),
        new BatchRunner(
            Executors.newSingleThreadExecutor(),
            this::process,
            FlowMetrics.inMemory(flow.name()),
            DEADLINE,
            KeyLanes.sequential(),
            new AtLeastOnceDelivery(new ConnectedSink())),
        Clock.systemUTC(),
        state);
  }

  /** Fails with the next scripted failure, if any; succeeds once they are used up. */
  private void process(Batch batch) {
    batches.incrementAndGet();
    RuntimeException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
  }

  private static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static Message<byte[], byte[]> record(long offset) {
    return new Message<>(
        "words", 0, offset, 0L, "apple".getBytes(), "apple".getBytes(), Headers.empty());
  }

  /** One partition whose records are polled again from wherever the loop seeks. */
  private static final class ReplayingSource implements Source {
    private final List<Message<byte[], byte[]>> records;
    private final List<Message<byte[], byte[]>> pending = new ArrayList<>();
    private volatile boolean subscribed;

    ReplayingSource(List<Message<byte[], byte[]>> records) {
      this.records = List.copyOf(records);
      this.pending.addAll(records);
    }

    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {
      subscribed = true;
      listener.onAssigned(Set.of(WORDS_0));
    }

    @Override
    public synchronized List<Message<byte[], byte[]>> poll(Duration timeout) {
      List<Message<byte[], byte[]>> polled = List.copyOf(pending);
      pending.clear();
      return polled;
    }

    @Override
    public void pause(Collection<SourcePartition> partitions) {}

    @Override
    public void resume(Collection<SourcePartition> partitions) {}

    @Override
    public synchronized void seek(SourcePartition partition, long offset) {
      pending.clear();
      records.stream().filter(r -> r.offset() >= offset).forEach(pending::add);
    }

    @Override
    public void commit(Map<SourcePartition, Long> nextOffsets) {}

    @Override
    public Set<SourcePartition> assignment() {
      return subscribed ? Set.of(WORDS_0) : Set.of();
    }

    @Override
    public Map<SourcePartition, Long> lag() {
      return Map.of();
    }

    @Override
    public void close() {
      subscribed = false;
    }
  }

  /** The loop only asks its outputs whether they are connected. */
  private static final class ConnectedSink implements Sink {
    @Override
    public void send(OutgoingRecord record, Ack ack) {
      ack.completed(null);
    }

    @Override
    public void flush() {}

    @Override
    public boolean isRecordError(Exception error) {
      return false;
    }

    @Override
    public void close() {}
  }
}
