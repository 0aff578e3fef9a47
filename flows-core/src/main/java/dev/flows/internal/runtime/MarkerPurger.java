package dev.flows.internal.runtime;

import dev.flows.TableSpec;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.spi.Connector;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.TableSink;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges the deleted markers of a materialise flow's versioned table in the background, so a table
 * does not keep one row per key ever deleted. Every {@link #interval} it asks where the flow stands
 * (its topic's generation and the group's committed offsets) and has the sink delete markers that
 * are older than the table's marker retention and behind the flow, {@value #BATCH} per call (one
 * short statement each), again while a call deletes a full batch. It runs on its own thread, never
 * on the batch path ({@link PeriodicPurge}), and a round that fails is logged and tried again at
 * the next interval.
 */
final class MarkerPurger extends PeriodicPurge {
  /** Most markers one purge call deletes: {@value}. */
  static final int BATCH = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(MarkerPurger.class);

  /** Where the flow stands: what may be purged now, empty while it does not know yet. */
  interface Progress {
    Optional<MarkerPurge> purge(Duration olderThan, int limit);
  }

  private final String flow;
  private final TableSpec table;
  private final TableSink sink;
  private final Progress progress;
  private final FlowMetrics metrics;

  MarkerPurger(MaterialisePlan plan, TableSink sink, Progress progress, FlowMetrics metrics) {
    super(plan.table().markerRetention());
    this.flow = plan.name();
    this.table = plan.table();
    this.sink = sink;
    this.progress = progress;
    this.metrics = metrics;
  }

  /**
   * The purger of {@code plan}'s table: the generation from {@code guard}'s last check, the
   * committed offsets of the flow's group from {@code broker}.
   */
  static MarkerPurger of(
      MaterialisePlan plan,
      TableSink sink,
      Connector broker,
      TopicGuard guard,
      FlowMetrics metrics) {
    String topic = plan.inputs().get(0).name();
    Progress progress =
        (olderThan, limit) -> {
          OptionalInt generation = guard.checkedGeneration(topic);
          return generation.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  new MarkerPurge(
                      olderThan,
                      generation.getAsInt(),
                      broker.committedOffsets(plan.name(), topic),
                      limit));
        };
    return new MarkerPurger(plan, sink, progress, metrics);
  }

  /** One round: purges until a call deletes less than a batch; how many it deleted. */
  @Override
  long round() {
    long total = 0;
    try {
      Optional<MarkerPurge> purge = progress.purge(table.markerRetention(), BATCH);
      int purged = purge.isEmpty() ? 0 : BATCH;
      while (purged == BATCH && !stopping()) {
        purged = sink.purgeMarkers(table, purge.get());
        if (purged > 0) {
          metrics.markersPurged(purged);
        }
        total += purged;
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "flow {}: purging the deleted markers of table {} failed, trying again in {} ms: {}",
          flow,
          table.name(),
          interval().toMillis(),
          e.toString());
    }
    if (total > 0) {
      LOG.info("flow {}: purged {} deleted markers of table {}", flow, total, table.name());
    }
    return total;
  }
}
