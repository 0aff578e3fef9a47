package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.spi.Sink;
import dev.flows.spi.TableSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Processes one batch of a materialise flow (DESIGN §5): maps each record to its row (a tombstone
 * to a delete), keeps the last change per primary key, writes them in one table-sink transaction,
 * and returns only after that committed and the batch's dead letters were acknowledged, so the loop
 * commits offsets after the rows are durable: at-least-once, and idempotent because a replayed
 * record upserts the same row (or, in a versioned table, is refused as older).
 */
public final class MaterialiseBatchProcessor implements BatchHandler {
  /** One key's last change in the batch: a full row, or a delete. */
  private record Change(Row row, boolean delete) {}

  private final MaterialisePlan plan;
  private final TableSink tables;
  private final Sink sink;
  private final InputDecoder decoder;
  private final TableRows rows;
  private final UserCode userCode;
  private final Failures failures;
  private final FlowMetrics metrics;
  private boolean prepared;

  /** A processor of {@code plan}'s batches into {@code tables}, dead letters to {@code sink}. */
  public MaterialiseBatchProcessor(
      MaterialisePlan plan, TableSink tables, Sink sink, Sleeper sleeper, FlowMetrics metrics) {
    this.plan = plan;
    this.tables = tables;
    this.sink = sink;
    this.decoder = new InputDecoder(plan.inputs());
    this.rows = new TableRows(plan.table());
    this.userCode = new UserCode(plan.options().errorPolicy(), sleeper);
    this.failures = new Failures(plan, metrics);
    this.metrics = metrics;
  }

  @Override
  public void process(Batch batch) {
    long start = System.nanoTime();
    metrics.recordsIn(plan.inputs().get(0).name(), batch.size());
    BatchAcks acks = new BatchAcks(sink);
    Map<Object, Change> changes = new LinkedHashMap<>();
    for (Message<byte[], byte[]> raw : batch.records()) {
      Change change = change(raw, acks);
      if (change != null) {
        Object key = TableRows.identity(change.row().get(plan.table().primaryKey().name()));
        changes.remove(key); // re-insert, so the map's order is the order of each key's last record
        changes.put(key, change);
      }
    }
    write(changes);
    acks.settle(failures, BatchProcessor.ACK_TIMEOUT);
    metrics.batch(batch.size(), System.nanoTime() - start);
  }

  /** The record's change, or {@code null} after dead-lettering it (or stopping under fail-fast). */
  private Change change(Message<byte[], byte[]> raw, BatchAcks acks) {
    Message<Object, Object> record;
    try {
      record = decoder.decode(raw);
    } catch (FormatException e) {
      acks.send(failures.deadLetter(raw, e, 1, Stage.DECODE), raw);
      return null;
    }
    Row[] mapped = new Row[1];
    UserCode.Outcome outcome =
        record.value() == null
            ? new UserCode.Outcome(null, 0)
            : userCode.run(() -> mapped[0] = plan.row(record.key(), record.value()));
    if (!outcome.succeeded()) {
      acks.send(
          failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS), raw);
      return null;
    }
    try {
      return record.value() == null
          ? new Change(rows.delete(record.key(), raw.offset()), true)
          : new Change(rows.upsert(record.key(), mapped[0], raw.offset()), false);
    } catch (IllegalArgumentException e) {
      acks.send(failures.deadLetter(raw, e, Math.max(1, outcome.attempts()), Stage.PROCESS), raw);
      return null;
    }
  }

  /**
   * One transaction for the batch; a database failure propagates, so the batch is rewound and
   * retried.
   */
  private void write(Map<Object, Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    if (!prepared) {
      tables.prepare(plan.table());
      prepared = true;
    }
    List<Row> upserts = new ArrayList<>(changes.size());
    List<Row> deletes = new ArrayList<>();
    changes.values().forEach(c -> (c.delete() ? deletes : upserts).add(c.row()));
    long start = System.nanoTime();
    tables.write(plan.table(), upserts, deletes);
    metrics.stateWrite(System.nanoTime() - start);
  }
}
