package dev.flows.internal.runtime;

import dev.flows.Topic;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.state.Progress;
import dev.flows.internal.state.RowImage;
import dev.flows.spi.Connector;
import dev.flows.spi.RowPurge;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateTable;
import dev.flows.spi.TopicShape;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a stateful flow's rows that passed the state's retention ({@link
 * dev.flows.StateSpec#withRetention}) and whose every applied record is behind the flow's committed
 * offsets ({@link Progress#behind}), so no replay reaches them again. A round pages through the
 * table's rows old enough, {@value #BATCH} per call ({@link StateTable#purge}: one short
 * transaction each, skipping rows a batch's write holds), asking the broker for the group's
 * committed offsets once per round and taking the topics' generations from the flow's last topic
 * check (none before the first). It also samples the table's row count for {@code
 * flows.state.rows}. In production it runs beside the poll loop ({@link PeriodicPurge}); the test
 * driver runs its rounds when the test moves the clock on.
 */
public final class RowPurger extends PeriodicPurge {
  /** Most rows one purge call examines: {@value}. */
  static final int BATCH = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(RowPurger.class);

  /** Where the flow's consumer group stands on a topic. */
  @FunctionalInterface
  public interface Committed {
    /**
     * The next offset the group reads, by partition of {@code topic}; a partition missing keeps its
     * rows.
     */
    Map<Integer, Long> offsets(String topic);

    /**
     * The metadata committed with them, by partition of {@code topic}: a windowed flow's stream
     * time; a partition missing keeps its window rows.
     */
    default Map<Integer, String> metadata(String topic) {
      return Map.of();
    }

    /** How many partitions {@code topic} has, 0 if unknown: a window row is then kept. */
    default int partitions(String topic) {
      return 0;
    }
  }

  private final StatefulPlan plan;
  private final StateTable table;
  private final TopicGuard guard;
  private final Committed committed;
  private final FlowMetrics metrics;
  private volatile long rows = -1;

  private RowPurger(
      StatefulPlan plan,
      StateTable table,
      TopicGuard guard,
      Committed committed,
      FlowMetrics metrics) {
    super(plan.state().retention());
    this.plan = plan;
    this.table = table;
    this.guard = guard;
    this.committed = committed;
    this.metrics = metrics;
    metrics.stateRows(() -> rows);
  }

  /**
   * The purge of {@code plan}'s rows in {@code table}, with the committed offsets of the flow's
   * group from {@code broker}, or, without a broker (the test driver), from whoever calls {@link
   * #round(Committed)}.
   */
  static RowPurger of(
      StatefulPlan plan,
      StateTable table,
      TopicGuard guard,
      Connector broker,
      FlowMetrics metrics) {
    Committed committed =
        broker == null
            ? topic -> Map.of()
            : new Committed() {
              @Override
              public Map<Integer, Long> offsets(String topic) {
                return broker.committedOffsets(plan.name(), topic);
              }

              @Override
              public Map<Integer, String> metadata(String topic) {
                return broker.committedMetadata(plan.name(), topic);
              }

              @Override
              public int partitions(String topic) {
                TopicShape shape = broker.describe(List.of(topic)).get(topic);
                return shape == null ? 0 : shape.partitions();
              }
            };
    return new RowPurger(plan, table, guard, committed, metrics);
  }

  @Override
  long round() {
    return round(committed);
  }

  /**
   * One round: deletes every row old enough and behind {@code committed}, page by page, until the
   * end of the table or a stop; how many it deleted. A failure is logged and ends the round.
   */
  public long round(Committed committed) {
    long total = 0;
    try {
      Optional<ToIntFunction<String>> generations = guard.checkedGenerations();
      if (generations.isPresent()) {
        total =
            purge(
                new RowPurge(
                    plan.state().retention(), behind(generations.get(), committed), null, BATCH));
      }
      rows = table.rows();
    } catch (RuntimeException e) {
      LOG.warn(
          "flow {}: purging expired rows of state table {} failed, trying again in {} ms: {}",
          plan.name(),
          plan.state().table(),
          interval().toMillis(),
          e.toString());
    }
    if (total > 0) {
      LOG.info(
          "flow {}: purged {} expired rows of state table {}",
          plan.name(),
          total,
          plan.state().table());
    }
    return total;
  }

  /** Deletes page after page from {@code first}'s, until the end of the table or a stop. */
  private long purge(RowPurge first) {
    long total = 0;
    RowPurge next = first;
    RowPurge.Page page;
    do {
      page = table.purge(next);
      total += page.deleted();
      if (page.deleted() > 0) {
        metrics.rowsPurged(page.deleted());
      }
      next = first.after(page.last());
    } while (page.last() != null && !stopping());
    return total;
  }

  /**
   * Whether a row's progress is behind: the committed offsets of the flow's input topics, read once
   * per round; a progress that does not decode keeps its row. A window's row also needs its window
   * closed at the stream time committed on every partition of the flow's inputs, not only those
   * that fed it: a record of any of them may still reach the window, and finds it closed only while
   * its row is there. So an open window survives a partition's silence, and a silent partition
   * keeps the rows of the windows it has not passed.
   */
  private BiPredicate<String, byte[]> behind(
      ToIntFunction<String> generations, Committed committed) {
    Map<SourcePartition, Long> next = new HashMap<>();
    for (Topic<?, ?> input : plan.inputs()) {
      committed
          .offsets(input.name())
          .forEach((p, o) -> next.put(new SourcePartition(input.name(), p), o));
      committed
          .metadata(input.name())
          .forEach(
              (p, metadata) -> {
                long ticks = Ticks.committed(metadata);
                if (ticks > 0) {
                  next.put(Ticks.of(new SourcePartition(input.name(), p)), ticks);
                }
              });
    }
    long slowest = plan.windowing() == null ? Long.MAX_VALUE : slowestStreamTime(committed);
    Set<String> tracked =
        plan.sessions() == null && plan.timers() == null
            ? Set.of()
            : tracked(inputsOnly(next), next, generations);
    return (id, progress) -> {
      if (tracked.contains(id)) {
        return false;
      }
      try {
        if (plan.windowing() != null && plan.windowing().closesAt(id) > slowest) {
          return false;
        }
        return Progress.behind(progress, generations, p -> next.getOrDefault(p, -1L));
      } catch (RuntimeException e) {
        return false;
      }
    };
  }

  /**
   * The smallest stream time committed on the partitions of the flow's inputs; {@link
   * StreamTimes#NONE} if one has none or a topic's partitions are unknown.
   */
  private long slowestStreamTime(Committed committed) {
    long slowest = Long.MAX_VALUE;
    for (Topic<?, ?> input : plan.inputs()) {
      int partitions = committed.partitions(input.name());
      Map<Integer, String> metadata = committed.metadata(input.name());
      if (partitions <= 0) {
        return StreamTimes.NONE;
      }
      for (int p = 0; p < partitions; p++) {
        String m = metadata.get(p);
        slowest = Math.min(slowest, m == null ? StreamTimes.NONE : StreamTimes.committedTime(m));
      }
    }
    return slowest;
  }

  /**
   * The ids of the rows the partitions of a session-windowed flow or a flow with timers still track
   * (a session open or a timer pending, or closed or fired by a record at or after the committed
   * offset of {@code partitions}: not known published), read from the rows of their open windows:
   * they stay however long unwritten, so a silent partition keeps its sessions and timers.
   */
  private Set<String> tracked(
      Map<SourcePartition, Long> partitions,
      Map<SourcePartition, Long> next,
      ToIntFunction<String> generations) {
    Map<String, SourcePartition> byId = new HashMap<>();
    partitions.keySet().forEach(p -> byId.put(OpenWindows.id(p), p));
    Set<String> ids = new HashSet<>();
    table
        .load(List.copyOf(byId.keySet()))
        .forEach(
            (id, row) -> {
              SourcePartition p = byId.get(id);
              OpenWindows windows = OpenWindows.of(p, new RowImage(row), generations);
              long committed = partitions.get(p);
              long ticks = next.getOrDefault(Ticks.of(p), 0L);
              windows.forgetPublished( // their batch committed
                  closing -> closing < committed, tick -> tick < ticks);
              ids.addAll(windows.ids());
            });
    return ids;
  }

  /** The committed offsets of input partitions only, without those of their ticks. */
  private static Map<SourcePartition, Long> inputsOnly(Map<SourcePartition, Long> next) {
    Map<SourcePartition, Long> inputs = new HashMap<>(next);
    inputs.keySet().removeIf(Ticks::isTicks);
    return inputs;
  }

  @Override
  public void attach(dev.flows.Flow flow, TestBench bench) {
    bench.rowPurges(flow, this);
  }
}
