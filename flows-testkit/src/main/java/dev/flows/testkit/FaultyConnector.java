package dev.flows.testkit;

import dev.flows.Message;
import dev.flows.spi.Connector;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.SourceGeneration;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.TopicShape;
import dev.flows.spi.TransactionalSink;
import dev.flows.testkit.internal.ForwardingSink;
import dev.flows.testkit.internal.ForwardingSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a real {@link Connector} (Kafka) and injects faults at exact points, so fault tests are
 * deterministic instead of hoping a kill lands in the right window:
 *
 * <ul>
 *   <li>{@link #hold(String)}: the flow reads nothing of a topic until {@link #release(String)}, as
 *       if its partitions were slow (records already fetched are put back);
 *   <li>{@link #failSends}: chosen sends fail as a broker failure (not the record's), so the batch
 *       is rewound and retried;
 *   <li>{@link #swallowSends}: chosen sends never reach the broker and never complete, as if the
 *       process died right after writing its state and before publishing;
 *   <li>{@link #stallPolls()}: the flow's polling thread stops in its next poll until {@link
 *       #resumePolls()}, so the consumer misses {@code max.poll.interval.ms} and leaves its group
 *       while its batch runs on, as a frozen or cut-off worker would (a zombie);
 *   <li>{@link #failCommits}: transactional commits of exactly-once flows fail, before reaching the
 *       broker or after it committed (an outcome the flow cannot know, as on a timeout).
 * </ul>
 *
 * Faults may be set and cleared from any thread while flows run.
 */
public final class FaultyConnector implements Connector {
  private final Connector connector;
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final Set<HoldingSource> rebalancing = ConcurrentHashMap.newKeySet();
  private final Set<HoldingSource> sources = ConcurrentHashMap.newKeySet();
  private final List<SendFault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger commitFailures = new AtomicInteger();
  private volatile boolean failAfterCommitting;
  private final Object stall = new Object();
  private boolean stalled;

  private FaultyConnector(Connector connector) {
    this.connector = connector;
  }

  /** A faultless wrapper of {@code connector}, until faults are added. */
  public static FaultyConnector wrap(Connector connector) {
    return new FaultyConnector(connector);
  }

  /** Stops handing records of {@code topic} to flows until {@link #release(String)}. */
  public FaultyConnector hold(String topic) {
    held.add(topic);
    return this;
  }

  /**
   * Makes the next poll of every source report its partitions revoked and then assigned again, on
   * the polling thread, as a rebalance that moved them away and back would: a flow's running batch
   * must finish within its drain timeout, or is given up.
   */
  public FaultyConnector rebalanceNow() {
    rebalancing.addAll(sources);
    return this;
  }

  /** Hands records of {@code topic} to flows again. */
  public FaultyConnector release(String topic) {
    held.remove(topic);
    return this;
  }

  /**
   * The next {@code times} sends matching {@code which} fail with a broker error; {@code
   * afterFailure} runs after each (e.g. to hold or release a topic at that exact moment).
   */
  public FaultyConnector failSends(
      Predicate<OutgoingRecord> which, int times, Runnable afterFailure) {
    faults.add(new SendFault(which, new AtomicInteger(times), false, afterFailure));
    return this;
  }

  /** Sends matching {@code which} are dropped and never acknowledged. */
  public FaultyConnector swallowSends(Predicate<OutgoingRecord> which) {
    faults.add(new SendFault(which, new AtomicInteger(Integer.MAX_VALUE), true, () -> {}));
    return this;
  }

  /** Makes every source's next poll wait until {@link #resumePolls()}. */
  public FaultyConnector stallPolls() {
    synchronized (stall) {
      stalled = true;
    }
    return this;
  }

  /** Lets stalled polls go on. */
  public FaultyConnector resumePolls() {
    synchronized (stall) {
      stalled = false;
      stall.notifyAll();
    }
    return this;
  }

  private void awaitUnstalled() {
    synchronized (stall) {
      while (stalled) {
        try {
          stall.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * The next {@code times} transaction commits of exactly-once flows fail; with {@code
   * afterCommitting} the transaction is committed first, so the flow sees a failure of a commit
   * that happened.
   */
  public FaultyConnector failCommits(int times, boolean afterCommitting) {
    failAfterCommitting = afterCommitting;
    commitFailures.set(times);
    return this;
  }

  @Override
  public Source source(String group, String clientId) {
    HoldingSource source = new HoldingSource(connector.source(group, clientId));
    sources.add(source);
    return source;
  }

  @Override
  public Sink sink(String clientId) {
    return new FaultySink(connector.sink(clientId));
  }

  @Override
  public TransactionalSink transactionalSink(String flow) {
    return new FaultyTransactionalSink(connector.transactionalSink(flow));
  }

  @Override
  public Map<String, TopicShape> describe(Collection<String> topics) {
    return connector.describe(topics);
  }

  @Override
  public Map<Integer, Long> committedOffsets(String group, String topic) {
    return connector.committedOffsets(group, topic);
  }

  @Override
  public Map<Integer, String> committedMetadata(String group, String topic) {
    return connector.committedMetadata(group, topic);
  }

  private record SendFault(
      Predicate<OutgoingRecord> which, AtomicInteger left, boolean swallow, Runnable after) {

    /** Whether this fault takes {@code record}; counts it. */
    boolean takes(OutgoingRecord record) {
      return which.test(record) && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
  }

  private class FaultySink extends ForwardingSink {

    FaultySink(Sink sink) {
      super(sink);
    }

    @Override
    public void send(OutgoingRecord record, Ack ack) {
      for (SendFault fault : faults) {
        if (fault.takes(record)) {
          if (!fault.swallow()) {
            ack.completed(
                new IOException("injected broker failure for a send to " + record.topic()));
            fault.after().run();
          }
          return;
        }
      }
      sink.send(record, ack);
    }
  }

  private final class FaultyTransactionalSink extends FaultySink implements TransactionalSink {
    private final TransactionalSink transactions;

    FaultyTransactionalSink(TransactionalSink sink) {
      super(sink);
      this.transactions = sink;
    }

    @Override
    public void begin() {
      transactions.begin();
    }

    @Override
    public void commit(Map<SourcePartition, Long> nextOffsets, SourceGeneration generation) {
      commit(nextOffsets, Map.of(), generation);
    }

    @Override
    public void commit(
        Map<SourcePartition, Long> nextOffsets,
        Map<SourcePartition, String> metadata,
        SourceGeneration generation) {
      boolean fail = commitFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
      if (fail && !failAfterCommitting) {
        throw new IllegalStateException("injected failure before the commit reached the broker");
      }
      transactions.commit(nextOffsets, metadata, generation);
      if (fail) {
        throw new IllegalStateException("injected failure after the transaction committed");
      }
    }

    @Override
    public boolean spoiled() {
      return transactions.spoiled();
    }

    @Override
    public void abort() {
      transactions.abort();
    }
  }

  /** Pauses held topics' partitions and puts back records of theirs already fetched. */
  private final class HoldingSource extends ForwardingSource {
    private final Set<SourcePartition> pausedByLoop = new HashSet<>();
    private final Set<SourcePartition> pausedByHold = new HashSet<>();

    HoldingSource(Source source) {
      super(source);
    }

    private PartitionListener listener;

    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {
      this.listener = listener;
      super.subscribe(topics, listener);
    }

    @Override
    public List<Message<byte[], byte[]>> poll(Duration timeout) {
      awaitUnstalled();
      if (rebalancing.remove(this) && listener != null) {
        Set<SourcePartition> assigned = source.assignment();
        listener.onRevoked(assigned);
        listener.onAssigned(assigned);
      }
      applyHolds();
      List<Message<byte[], byte[]>> records = source.poll(timeout);
      Map<SourcePartition, Long> putBack = new HashMap<>();
      List<Message<byte[], byte[]>> handed = new ArrayList<>(records.size());
      for (Message<byte[], byte[]> r : records) {
        SourcePartition partition = new SourcePartition(r.topic(), r.partition());
        if (held.contains(r.topic())) {
          putBack.putIfAbsent(partition, r.offset());
        } else {
          handed.add(r);
        }
      }
      putBack.forEach(source::seek);
      applyHolds();
      return handed;
    }

    private void applyHolds() {
      Set<SourcePartition> assigned = source.assignment();
      pausedByHold.retainAll(assigned);
      Set<SourcePartition> toPause = new HashSet<>();
      for (SourcePartition p : assigned) {
        if (held.contains(p.topic()) && pausedByHold.add(p)) {
          toPause.add(p);
        }
      }
      if (!toPause.isEmpty()) {
        source.pause(toPause);
      }
      Set<SourcePartition> toResume = new HashSet<>();
      pausedByHold.removeIf(
          p -> {
            boolean released = !held.contains(p.topic());
            if (released && !pausedByLoop.contains(p)) {
              toResume.add(p);
            }
            return released;
          });
      if (!toResume.isEmpty()) {
        source.resume(toResume);
      }
    }

    @Override
    public void pause(Collection<SourcePartition> partitions) {
      pausedByLoop.addAll(partitions);
      source.pause(partitions);
    }

    @Override
    public void resume(Collection<SourcePartition> partitions) {
      pausedByLoop.removeAll(partitions);
      List<SourcePartition> free =
          partitions.stream().filter(p -> !pausedByHold.contains(p)).toList();
      if (!free.isEmpty()) {
        source.resume(free);
      }
    }
  }
}
