package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.RowChanges;
import dev.flows.RowRefusedException;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.internal.runtime.BatchChanges.RecordChanges;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.TableSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Processes one batch of a materialise flow: maps each record to its checked, canonical changes
 * ({@link TableRows}; for {@code into}, a tombstone to the delete of its key), resolves them as
 * applying the records one by one would ({@link BatchChanges}), writes them with one table-sink
 * write, and returns only after the rows are durable and the batch's dead letters were
 * acknowledged, so the loop commits offsets after the rows: at-least-once, and idempotent because a
 * replayed record writes the same rows (or, in a versioned table, is refused as older). A record
 * whose changes the sink refuses for their values is dead-lettered (stage {@code store}) and the
 * batch is resolved and written again without it, so each key falls back to its previous change in
 * the batch. At-least-once, a batch {@linkplain Overlap#startNext() lets the next one start} once
 * its changes are checked, so the next batch maps and checks its records while this one writes; it
 * writes only after the batch before it ended (docs/semantics.md, pipelined batches).
 */
public final class MaterialiseBatchProcessor extends BatchProcessor {
  private final MaterialisePlan plan;
  private final TableSink tables;
  private final InputDecoder decoder;
  private final TableRows rows;
  private final TopicGuard guard;
  private final ReentrantLock sinkCalls = new ReentrantLock();
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
    this.rows = new TableRows(plan.table(), plan.rowPerKey());
  }

  @Override
  public void partitionsChanged() {
    guard.invalidate();
  }

  @Override
  Runnable fill(Batch batch, BatchAcks acks) {
    ToIntFunction<String> generations = guard.generations(sinkCalls);
    List<RecordChanges> changes = new ArrayList<>(batch.records().size());
    for (Message<byte[], byte[]> raw : batch.records()) {
      RecordChanges change = change(raw, generations.applyAsInt(raw.topic()), acks);
      if (change != null) {
        changes.add(change);
      }
    }
    batch.overlap().startNext(); // the next batch may map and check its records beside this write
    batch.overlap().awaitPrevious(); // written after the batch before, so in batch order
    batch.cancellation().check("write table " + plan.table().name());
    write(changes, acks);
    return NOTHING;
  }

  /**
   * The record's checked changes, or {@code null} after dead-lettering it (or stopping under
   * fail-fast).
   */
  private RecordChanges change(Message<byte[], byte[]> raw, int generation, BatchAcks acks) {
    Message<Object, Object> record;
    try {
      record = decoder.decode(raw);
    } catch (FormatException e) {
      acks.send(failures.deadLetter(raw, e, 1, Stage.DECODE), raw);
      return null;
    }
    boolean tombstoneOfKey = record.value() == null && plan.rowPerKey();
    UserCode.Outcome<RowChanges> outcome =
        tombstoneOfKey
            ? new UserCode.Outcome<>(null, null, 0, null) // deletes the key's row: nothing to map
            : userCode.run(() -> plan.changes(record));
    if (!outcome.succeeded()) {
      acks.send(
          failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS), raw);
      return null;
    }
    try {
      TableRows.Source source = new TableRows.Source(raw.partition(), generation, raw.offset());
      RowChanges checked =
          tombstoneOfKey
              ? rows.tombstone(record.key(), source)
              : rows.changes(record.key(), outcome.value(), source);
      return new RecordChanges(checked, raw);
    } catch (IllegalArgumentException e) {
      acks.send(failures.deadLetter(raw, e, Math.max(1, outcome.attempts()), Stage.PROCESS), raw);
      return null;
    }
  }

  /**
   * Writes the batch's resolved changes; if the sink refuses some records' changes, dead-letters
   * those records and writes the batch resolved without them again (the sink's writes are
   * idempotent), until nothing is refused. A database failure propagates, so the batch is rewound
   * and retried.
   */
  private void write(List<RecordChanges> changes, BatchAcks acks) {
    List<RecordChanges> remaining = new ArrayList<>(changes);
    while (true) {
      List<RecordChanges> resolved = BatchChanges.resolve(plan.table(), remaining);
      List<RefusedChanges> refused = writeOnce(resolved);
      if (refused.isEmpty()) {
        return;
      }
      Map<RowChanges, RecordChanges> records = new IdentityHashMap<>(resolved.size());
      resolved.forEach(r -> records.put(r.changes(), r));
      Set<Message<byte[], byte[]>> dead = Collections.newSetFromMap(new IdentityHashMap<>());
      for (RefusedChanges refusal : refused) {
        Message<byte[], byte[]> source = records.get(refusal.changes()).source();
        dead.add(source);
        acks.send(
            failures.deadLetter(source, new RowRefusedException(refusal.reason()), 1, Stage.STORE),
            source);
      }
      remaining.removeIf(change -> dead.contains(change.source()));
    }
  }

  /** One table-sink write of {@code resolved}; what it refused. */
  private List<RefusedChanges> writeOnce(List<RecordChanges> resolved) {
    if (!prepared) {
      callSink(
          () -> {
            tables.prepare(plan.table());
            return null;
          });
      prepared = true;
    }
    if (resolved.isEmpty()) {
      return List.of();
    }
    List<RowChanges> changes = new ArrayList<>(resolved.size());
    resolved.forEach(r -> changes.add(r.changes()));
    long start = System.nanoTime();
    List<RefusedChanges> refused = callSink(() -> tables.write(plan.table(), changes));
    metrics.stateWrite(System.nanoTime() - start);
    return refused;
  }

  /**
   * One call of the table sink, never beside another of this flow's: a flow holds one connection at
   * a time, also while its next batch checks its topics beside this one's write.
   */
  private <T> T callSink(Supplier<T> call) {
    sinkCalls.lock();
    try {
      return call.get();
    } finally {
      sinkCalls.unlock();
    }
  }
}
