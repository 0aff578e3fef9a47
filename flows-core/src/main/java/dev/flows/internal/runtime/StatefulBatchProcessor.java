package dev.flows.internal.runtime;

import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.state.StateCache;
import dev.flows.spi.Sink;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one batch of a stateful flow (DESIGN §4): group by persistence id, load the rows not
 * cached, apply new records and recognise replays by the stored progress, write every changed row
 * in one version-checked transaction, then publish new and re-emitted outputs. A version conflict
 * (another writer got there first) drops the cache and redoes the batch from fresh rows.
 */
public final class StatefulBatchProcessor implements BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulBatchProcessor.class);

  /** Attempts of a batch that keeps meeting version conflicts before it is rewound: {@value}. */
  static final int MAX_CONFLICT_ATTEMPTS = 5;

  private final StateTable table;
  private final Sink sink;
  private final StateCache cache;
  private final StatefulPlan plan;
  private final RowUpdater updater;
  private final Failures failures;
  private final FlowMetrics metrics;

  /** A processor of {@code plan}'s batches on {@code table}, publishing to {@code sink}. */
  public StatefulBatchProcessor(
      StatefulPlan plan, StateTable table, Sink sink, Sleeper sleeper, FlowMetrics metrics) {
    this.table = table;
    this.sink = sink;
    this.cache = new StateCache(StateCache.DEFAULT_MAX_ROWS);
    this.plan = plan;
    this.failures = new Failures(plan, metrics);
    this.updater =
        new RowUpdater(plan, new UserCode(plan.options().errorPolicy(), sleeper), failures);
    this.metrics = metrics;
    metrics.stateCacheHitRate(cache::hitRate);
  }

  @Override
  public void partitionsChanged() {
    cache.clear();
  }

  @Override
  public void process(Batch batch) {
    long start = System.nanoTime();
    BatchAcks acks = new BatchAcks(sink);
    Map<String, List<RowUpdater.Input>> byId = groupById(batch, acks);
    List<RowUpdater.Result> results = applyAndWrite(byId);
    for (RowUpdater.Result result : results) {
      result
          .outputs()
          .forEach(
              o -> {
                acks.send(o.record(), o.sourceMessage());
                metrics.recordOut(o.record().topic());
              });
    }
    acks.settle(failures, BatchProcessor.ACK_TIMEOUT);
    metrics.batch(batch.size(), System.nanoTime() - start);
  }

  private Map<String, List<RowUpdater.Input>> groupById(Batch batch, BatchAcks acks) {
    Map<String, List<RowUpdater.Input>> byId = new LinkedHashMap<>();
    for (Message<byte[], byte[]> raw : batch.records()) {
      try {
        Message<Object, Object> decoded = plan.reader().decode(raw);
        String id = plan.reader().stateKey(decoded);
        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new RowUpdater.Input(raw, decoded));
      } catch (FormatException e) {
        acks.send(failures.deadLetter(raw, e, 1, Stage.DECODE), raw);
      } catch (Exception e) {
        acks.send(failures.deadLetter(raw, e, 1, Stage.PROCESS), raw);
      }
    }
    return byId;
  }

  private List<RowUpdater.Result> applyAndWrite(Map<String, List<RowUpdater.Input>> byId) {
    for (int attempt = 1; ; attempt++) {
      Map<String, StateRow> rows = load(byId.keySet());
      List<RowUpdater.Result> results = new ArrayList<>(byId.size());
      List<StateRow> writes = new ArrayList<>();
      byId.forEach(
          (id, inputs) -> {
            RowUpdater.Result result = updater.update(id, rows.get(id), inputs);
            results.add(result);
            if (result.written() != null) {
              writes.add(result.written());
            }
          });
      Set<String> conflicts = writes.isEmpty() ? Set.of() : write(writes);
      if (conflicts.isEmpty()) {
        cache.putAll(writes);
        return results;
      }
      cache.clear();
      metrics.stateConflict();
      LOG.warn(
          "flow {}: version conflict on {} of {} rows (another instance wrote them), attempt {}: reloading and redoing the batch",
          plan.name(),
          conflicts.size(),
          writes.size(),
          attempt);
      if (attempt >= MAX_CONFLICT_ATTEMPTS) {
        throw new FlowsException(
            "state of "
                + conflicts.size()
                + " keys was written by another instance, "
                + attempt
                + " times in a row; the batch is rewound (ids e.g. "
                + conflicts.iterator().next()
                + ")");
      }
    }
  }

  private Map<String, StateRow> load(Set<String> ids) {
    Map<String, StateRow> rows = new HashMap<>(cache.getAll(ids));
    if (rows.size() < ids.size()) {
      List<String> missing = ids.stream().filter(id -> !rows.containsKey(id)).toList();
      long start = System.nanoTime();
      Map<String, StateRow> loaded = table.load(missing);
      metrics.stateRead(System.nanoTime() - start);
      cache.putAll(loaded.values());
      rows.putAll(loaded);
    }
    return rows;
  }

  private Set<String> write(List<StateRow> writes) {
    long start = System.nanoTime();
    Set<String> conflicts = table.write(writes);
    metrics.stateWrite(System.nanoTime() - start);
    return conflicts;
  }
}
