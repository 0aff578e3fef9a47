package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What docs/architecture.md says of the poll loop: one batch in flight; the next batch starts after
 * the previous one's handler returned (its outputs acknowledged) and before the previous one's
 * offsets are committed.
 */
class PollLoopTest {
  private static final SourcePartition WORDS_0 = new SourcePartition("words", 0);
  private static final long DEADLINE_SECONDS = 20;

  /** How long a commit waits for the next batch to start: {@value} seconds. */
  private static final long COMMIT_WAIT_SECONDS = 5;

  private final List<String> commits = new CopyOnWriteArrayList<>();
  private final CountDownLatch secondStarted = new CountDownLatch(1);
  private final CountDownLatch allCommitted = new CountDownLatch(1);
  private volatile boolean firstReturned;

  @Test
  void shouldStartTheNextBatchBeforeCommittingThePreviousWhenThePreviousWasAcknowledged()
      throws InterruptedException {
    Flow flow =
        Flows.stateless("test-poll-loop", FlowOptions.defaults().withMaxRecords(1))
            .from(topic("words", string(), string()))
            .to(topic("words-out", string(), string()));
    PollLoop loop =
        new PollLoop(
            flow,
            new ScriptedSource(List.of(record(0), record(1)), 0, this::committed),
            new BatchRunner(
                Executors.newSingleThreadExecutor(),
                this::process,
                FlowMetrics.inMemory(flow.name()),
                Duration.ofSeconds(DEADLINE_SECONDS),
                KeyLanes.sequential(),
                new AtLeastOnceDelivery(new ConnectedSink())),
            Clock.systemUTC(),
            new FlowState());
    Thread thread = new Thread(loop, "test-poll-loop");
    thread.start();
    try {
      assertTrue(allCommitted.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "commits: " + commits);
    } finally {
      loop.stop();
      thread.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
    }

    assertFalse(thread.isAlive());
    assertEquals(
        List.of(
            "commit 1: first batch returned, second batch started",
            "commit 2: first batch returned, second batch started"),
        commits);
  }

  @Test
  void shouldStartABatchOfAnIdlePartitionAgainAfterItFailed() throws InterruptedException {
    Flow flow =
        Flows.stateless("test-poll-loop-idle")
            .from(topic("words", string(), string()))
            .to(topic("words-out", string(), string()));
    List<Batch> started = new CopyOnWriteArrayList<>();
    BatchHandler ticking =
        new BatchHandler() {
          private volatile boolean fired;

          @Override
          public void process(Batch batch) {
            started.add(batch);
            if (started.size() == 1) {
              throw new IllegalStateException("the broker did not acknowledge the firing");
            }
            fired = true;
          }

          @Override
          public boolean ticks() {
            return true;
          }

          @Override
          public Set<SourcePartition> dueTicks() {
            return fired ? Set.of() : Set.of(WORDS_0);
          }
        };
    CountDownLatch committedWhereItWas = new CountDownLatch(1);
    PollLoop loop =
        new PollLoop(
            flow,
            new ScriptedSource(
                List.of(),
                7,
                offsets -> {
                  if (offsets.equals(Map.of(WORDS_0, 7L))) {
                    committedWhereItWas.countDown();
                  }
                }),
            new BatchRunner(
                Executors.newSingleThreadExecutor(),
                ticking,
                FlowMetrics.inMemory(flow.name()),
                Duration.ofSeconds(DEADLINE_SECONDS),
                KeyLanes.sequential(),
                new AtLeastOnceDelivery(new ConnectedSink())),
            Clock.systemUTC(),
            new FlowState());
    Thread thread = new Thread(loop, "test-poll-loop-idle");
    thread.start();
    try {
      assertTrue(
          committedWhereItWas.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "started: " + started);
    } finally {
      loop.stop();
      thread.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
    }

    assertEquals(2, started.size(), "the failed batch, then its retry");
    for (Batch batch : started) {
      assertEquals(List.of(), batch.records());
      assertEquals(Set.of(WORDS_0), batch.idle());
      assertEquals(Map.of(WORDS_0, 7L), batch.nextOffsets(), "where the partition was committed");
    }
  }

  /** Batch 1 checks that batch 0 is over: one batch in flight. */
  private void process(Batch batch) {
    long first = batch.firstOffsets().get(WORDS_0);
    if (first == 0) {
      firstReturned = true; // set last thing before returning: the loop may see it done next
    } else {
      assertTrue(firstReturned, "the second batch started while the first ran");
      secondStarted.countDown();
    }
  }

  /**
   * Waits (bounded) for the second batch to start: the loop thread is in this commit, so the second
   * batch runs only if the loop started it before committing the first.
   */
  private void committed(Map<SourcePartition, Long> offsets) {
    long next = offsets.get(WORDS_0);
    boolean started = await(secondStarted);
    commits.add(
        "commit "
            + next
            + ": first batch "
            + (firstReturned ? "returned" : "running")
            + ", second batch "
            + (started ? "started" : "not started"));
    if (next == 2) {
      allCommitted.countDown();
    }
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Message<byte[], byte[]> record(long offset) {
    return new Message<>(
        "words", 0, offset, 0L, "apple".getBytes(), "apple".getBytes(), Headers.empty());
  }

  /**
   * One partition, the given records on the first poll (a poll without records waits its timeout,
   * as a broker's does), its offset committed at {@code committedAt}; commits go to {@code
   * onCommit}.
   */
  private static final class ScriptedSource implements Source {
    private final List<Message<byte[], byte[]>> pending;
    private final long committedAt;
    private final Consumer<Map<SourcePartition, Long>> onCommit;
    private volatile boolean running;

    ScriptedSource(
        List<Message<byte[], byte[]>> records,
        long committedAt,
        Consumer<Map<SourcePartition, Long>> onCommit) {
      this.pending = new ArrayList<>(records);
      this.committedAt = committedAt;
      this.onCommit = onCommit;
    }

    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {
      running = true;
      listener.onAssigned(Set.of(WORDS_0));
    }

    @Override
    public List<Message<byte[], byte[]>> poll(Duration timeout) {
      if (pending.isEmpty()) {
        LockSupport.parkNanos(timeout.toNanos());
        return List.of();
      }
      List<Message<byte[], byte[]>> records = List.copyOf(pending);
      pending.clear();
      return records;
    }

    @Override
    public void pause(Collection<SourcePartition> partitions) {}

    @Override
    public void resume(Collection<SourcePartition> partitions) {}

    @Override
    public void seek(SourcePartition partition, long offset) {}

    @Override
    public void commit(Map<SourcePartition, Long> nextOffsets) {
      onCommit.accept(nextOffsets);
    }

    @Override
    public Map<SourcePartition, Long> committed(Collection<SourcePartition> partitions) {
      return Map.of(WORDS_0, committedAt);
    }

    @Override
    public Set<SourcePartition> assignment() {
      return running ? Set.of(WORDS_0) : Set.of();
    }

    @Override
    public Map<SourcePartition, Long> lag() {
      return Map.of();
    }

    @Override
    public void close() {
      running = false;
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
