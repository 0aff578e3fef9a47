package dev.flows.testkit;

import dev.flows.spi.Connector;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import dev.flows.testkit.internal.ForwardingSink;
import dev.flows.testkit.internal.ForwardingSource;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Marks a worker JVM prints on standard output so that a test or a benchmark can measure recovery
 * from outside, without sleeps: when the JVM started, every change of the partitions it owns, and
 * when it published its first output (its first record processed end to end). The worker wraps its
 * connector with {@link #around(Connector)}; the parent reads the marks back from the output with
 * {@link #read(String)}. Times are epoch milliseconds of the machine's clock, shared by parent and
 * child.
 *
 * <pre>
 * MARK start 1767000000000            the JVM's start time
 * MARK assigned 1767000004210 4       the partitions owned, after each change
 * MARK first-output 1767000004390     the first record sent to a sink
 * </pre>
 */
public final class RecoveryMarks {
  /** The prefix of every mark line: {@value}. */
  public static final String PREFIX = "MARK ";

  private RecoveryMarks() {}

  /** Prints the JVM's start mark, and returns {@code connector} printing the other marks. */
  public static Connector around(Connector connector) {
    printStart();
    AtomicBoolean firstOutput = new AtomicBoolean();
    return new Connector() {
      @Override
      public Source source(String group, String clientId) {
        return new MarkingSource(connector.source(group, clientId));
      }

      @Override
      public Sink sink(String clientId) {
        return new MarkingSink(connector.sink(clientId), firstOutput);
      }
    };
  }

  /** The marks printed in {@code output}. */
  public static Timeline read(String output) {
    OptionalLong start = OptionalLong.empty();
    OptionalLong firstOutput = OptionalLong.empty();
    List<Assignment> assignments = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.startsWith(PREFIX)) {
        continue;
      }
      String[] words = line.substring(PREFIX.length()).trim().split(" ");
      switch (words[0]) {
        case "start" -> start = OptionalLong.of(Long.parseLong(words[1]));
        case "assigned" ->
            assignments.add(new Assignment(Long.parseLong(words[1]), Integer.parseInt(words[2])));
        case "first-output" -> firstOutput = OptionalLong.of(Long.parseLong(words[1]));
        default -> throw new IllegalArgumentException("unknown mark: " + line);
      }
    }
    return new Timeline(start, List.copyOf(assignments), firstOutput);
  }

  /**
   * A change of the partitions a worker owns.
   *
   * @param atMillis when the change was applied
   * @param partitions how many partitions the worker owns after it
   */
  public record Assignment(long atMillis, int partitions) {}

  /**
   * What one worker printed.
   *
   * @param start when its JVM started, if printed yet
   * @param assignments its partition changes, in order
   * @param firstOutput when it published its first output, if it did
   */
  public record Timeline(
      OptionalLong start, List<Assignment> assignments, OptionalLong firstOutput) {

    /** How many partitions the worker owns now: 0 before its first assignment. */
    public int owned() {
      return assignments.isEmpty() ? 0 : assignments.get(assignments.size() - 1).partitions();
    }

    /** The first change at or after {@code fromMillis} after which it owned {@code partitions}. */
    public OptionalLong owning(int partitions, long fromMillis) {
      return assignments.stream()
          .filter(a -> a.atMillis() >= fromMillis && a.partitions() >= partitions)
          .mapToLong(Assignment::atMillis)
          .findFirst();
    }
  }

  /** Prints the JVM's start mark (for a worker that marks its own assignment and first output). */
  public static void printStart() {
    print("start " + ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  /** Prints that the worker owns {@code partitions} partitions from now on. */
  public static void printOwned(int partitions) {
    print("assigned " + System.currentTimeMillis() + " " + partitions);
  }

  /** Prints the time of the worker's first output (for a worker that marks its own). */
  public static void printFirstOutput() {
    print("first-output " + System.currentTimeMillis());
  }

  private static void print(String mark) {
    synchronized (System.out) {
      System.out.println(PREFIX + mark);
      System.out.flush();
    }
  }

  /** Prints the partitions owned after every change the runtime is told of. */
  private static final class MarkingSource extends ForwardingSource {

    MarkingSource(Source source) {
      super(source);
    }

    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {
      source.subscribe(
          topics,
          new PartitionListener() {
            @Override
            public void onAssigned(Collection<SourcePartition> partitions) {
              listener.onAssigned(partitions);
              printOwned(Set.of());
            }

            @Override
            public void onRevoked(Collection<SourcePartition> partitions) {
              listener.onRevoked(partitions);
              printOwned(partitions);
            }

            @Override
            public void onLost(Collection<SourcePartition> partitions) {
              listener.onLost(partitions);
              printOwned(partitions);
            }
          });
    }

    /** The assignment minus {@code leaving}: during a revoke the source still lists them. */
    private void printOwned(Collection<SourcePartition> leaving) {
      Set<SourcePartition> owned = new HashSet<>(source.assignment());
      owned.removeAll(leaving);
      RecoveryMarks.printOwned(owned.size());
    }
  }

  /** Prints the time of the first send. */
  private static final class MarkingSink extends ForwardingSink {
    private final AtomicBoolean first;

    MarkingSink(Sink sink, AtomicBoolean first) {
      super(sink);
      this.first = first;
    }

    @Override
    public void send(OutgoingRecord record, Ack ack) {
      if (first.compareAndSet(false, true)) {
        printFirstOutput();
      }
      sink.send(record, ack);
    }
  }
}
