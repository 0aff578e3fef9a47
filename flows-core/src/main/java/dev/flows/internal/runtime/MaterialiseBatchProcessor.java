package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowRefusedException;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.runtime.KeyChanges.Change;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.spi.RefusedRow;
import dev.flows.spi.TableSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Processes one batch of a materialise flow (DESIGN §5): maps each record to its canonical row (a
 * tombstone to a delete), keeps the changes per primary key, writes each key's last change with one
 * table-sink write, and returns only after the rows are durable and the batch's dead letters were
 * acknowledged, so the loop commits offsets after the rows: at-least-once, and idempotent because a
 * replayed record upserts the same row (or, in a versioned table, is refused as older). A row the
 * sink refuses for its values dead-letters its record (stage {@code store}), and its key falls back
 * to its previous change in the batch, written in a further round.
 */
public final class MaterialiseBatchProcessor extends BatchProcessor {
  private final MaterialisePlan plan;
  private final TableSink tables;
  private final InputDecoder decoder;
  private final TableRows rows;
  private final TopicGuard guard;
  private boolean prepared;

  /**
   * A processor of {@code plan}'s batches into {@code tables}, dead letters through {@code
   * delivery}, its topics checked by {@code guard}, which also gives the generation rows record.
   */
  MaterialiseBatchProcessor(
      MaterialisePlan plan,
      TableSink tables,
      Delivery delivery,
      TopicGuard guard,
      Sleeper sleeper,
      FlowMetrics metrics,
      FlowTracer tracer) {
    super(plan, delivery, sleeper, metrics, tracer);
    this.plan = plan;
    this.tables = tables;
    this.guard = guard;
    this.decoder = new InputDecoder(plan.inputs());
    this.rows = new TableRows(plan.table());
  }

  @Override
  public void partitionsChanged() {
    guard.invalidate();
  }

  @Override
  void fill(Batch batch, BatchAcks acks) {
    ToIntFunction<String> generations = guard.generations();
    KeyChanges changes = new KeyChanges();
    for (Message<byte[], byte[]> raw : batch.records()) {
      Change change = change(raw, generations.applyAsInt(raw.topic()), acks);
      if (change != null) {
        changes.add(change);
      }
    }
    batch.cancellation().check("write table " + plan.table().name());
    write(changes, acks);
  }

  /** The record's change, or {@code null} after dead-lettering it (or stopping under fail-fast). */
  private Change change(Message<byte[], byte[]> raw, int generation, BatchAcks acks) {
    Message<Object, Object> record;
    try {
      record = decoder.decode(raw);
    } catch (FormatException e) {
      acks.send(failures.deadLetter(raw, e, 1, Stage.DECODE), raw);
      return null;
    }
    UserCode.Outcome<Row> outcome =
        record.value() == null
            ? new UserCode.Outcome<>(null, null, 0, null) // a tombstone: no row to map
            : userCode.run(() -> plan.row(record.key(), record.value()));
    if (!outcome.succeeded()) {
      acks.send(
          failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS), raw);
      return null;
    }
    try {
      TableRows.Source source = new TableRows.Source(raw.partition(), generation, raw.offset());
      Row row =
          record.value() == null
              ? rows.delete(record.key(), source)
              : rows.upsert(record.key(), outcome.value(), source);
      Object key = TableRows.identity(row.get(plan.table().primaryKey().name()));
      return new Change(key, row, record.value() == null, raw);
    } catch (IllegalArgumentException e) {
      acks.send(failures.deadLetter(raw, e, Math.max(1, outcome.attempts()), Stage.PROCESS), raw);
      return null;
    }
  }

  /**
   * Writes each key's last change; a refused one is dead-lettered and replaced by its key's
   * previous change, written in the next round, until no key has a refused change left. A database
   * failure propagates, so the batch is rewound and retried.
   */
  private void write(KeyChanges changes, BatchAcks acks) {
    List<Change> pending = changes.lasts();
    while (!pending.isEmpty()) {
      Map<Object, String> refused = writeOnce(pending);
      List<Change> fallbacks = new ArrayList<>();
      for (Change change : pending) {
        String reason = refused.get(change.key());
        if (reason != null) {
          acks.send(
              failures.deadLetter(change.source(), new RowRefusedException(reason), 1, Stage.STORE),
              change.source());
          Change previous = changes.fallback(change.key());
          if (previous != null) {
            fallbacks.add(previous);
          }
        }
      }
      pending = fallbacks;
    }
  }

  /** One table-sink write of {@code pending}; the reasons of the refused rows by key. */
  private Map<Object, String> writeOnce(List<Change> pending) {
    if (!prepared) {
      tables.prepare(plan.table());
      prepared = true;
    }
    List<Row> upserts = new ArrayList<>(pending.size());
    List<Row> deletes = new ArrayList<>();
    pending.forEach(c -> (c.delete() ? deletes : upserts).add(c.row()));
    long start = System.nanoTime();
    List<RefusedRow> refused = tables.write(plan.table(), upserts, deletes);
    metrics.stateWrite(System.nanoTime() - start);
    Map<Object, String> reasons = new HashMap<>();
    for (RefusedRow row : refused) {
      reasons.put(
          TableRows.identity(row.row().get(plan.table().primaryKey().name())), row.reason());
    }
    return reasons;
  }
}
