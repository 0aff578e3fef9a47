package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import dev.flows.internal.plan.CollectorPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.spi.OutgoingRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Processes one batch of a collector: folds each key's records in offset order, then emits one
 * result per key, then (through the loop) commits. A record whose fold fails is dead-lettered and
 * left out of its key's result; if a key's result cannot be built, all its records are. Keys fold
 * on the key lanes (with {@code concurrency > 1}, at once); what they send is sent afterwards in
 * one order whatever the lanes did: the dead letters of the fold in batch order, then the results
 * (or their dead letters) in the order of each key's first decoded record, as one lane would.
 */
public final class CollectorBatchProcessor extends BatchProcessor {
  private final CollectorPlan plan;
  private final InputDecoder decoder;
  private final KeyLanes lanes;

  /** A record's dead letter, with the record's position in the batch. */
  private record DeadLetter(int position, Message<byte[], byte[]> raw, OutgoingRecord record) {}

  /**
   * One key's fold: the dead letters of its records that did not fold, the records that did, and
   * its result, or the dead letters of the folded records if the result could not be built.
   */
  private static final class Group {
    final List<DeadLetter> failed = new ArrayList<>();
    final List<Message<byte[], byte[]>> folded = new ArrayList<>();
    int firstDecoded = -1;
    Object key;
    Object accumulator;
    OutgoingRecord result;
    List<OutgoingRecord> uncollected = List.of();
  }

  /**
   * A processor of {@code plan}'s batches, publishing through {@code delivery}, folding keys on
   * {@code lanes}.
   */
  public CollectorBatchProcessor(
      CollectorPlan plan,
      Delivery delivery,
      KeyLanes lanes,
      Sleeper sleeper,
      FlowMetrics metrics,
      FlowTracer tracer) {
    super(plan, delivery, sleeper, metrics, tracer);
    this.plan = plan;
    this.decoder = new InputDecoder(plan.inputs());
    this.lanes = lanes;
  }

  @Override
  Runnable fill(Batch batch, BatchAcks acks) {
    List<Message<byte[], byte[]>> records = batch.records();
    List<Group> groups =
        lanes.map(positionsByKey(records), positions -> foldAndCollect(records, positions));
    groups.stream()
        .flatMap(group -> group.failed.stream())
        .sorted(Comparator.comparingInt(DeadLetter::position))
        .forEach(dead -> acks.send(dead.record(), dead.raw()));
    groups.stream()
        .filter(group -> group.firstDecoded >= 0)
        .sorted(Comparator.comparingInt(group -> group.firstDecoded))
        .forEach(group -> emit(group, acks));
    return NOTHING;
  }

  /** A collector keeps nothing from one batch to the next: its batches may overlap. */
  @Override
  boolean overlaps() {
    return true;
  }

  /** The positions of each key's records in the batch, keys in order of first appearance. */
  private static List<List<Integer>> positionsByKey(List<Message<byte[], byte[]>> records) {
    Map<ByteBuffer, List<Integer>> byKey = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      byKey.computeIfAbsent(KeyLanes.keyOf(records.get(i)), k -> new ArrayList<>()).add(i);
    }
    return new ArrayList<>(byKey.values());
  }

  /** One key, on its lane: folds its records in order, then builds its result. */
  private Group foldAndCollect(List<Message<byte[], byte[]>> records, List<Integer> positions) {
    Group group = new Group();
    for (int position : positions) {
      fold(position, records.get(position), group);
    }
    if (!group.folded.isEmpty()) {
      collect(group);
    }
    return group;
  }

  private void fold(int position, Message<byte[], byte[]> raw, Group group) {
    Message<Object, Object> record;
    try {
      record = decoder.decode(raw);
    } catch (FormatException e) {
      group.failed.add(new DeadLetter(position, raw, failures.deadLetter(raw, e, 1, Stage.DECODE)));
      return;
    }
    if (group.firstDecoded < 0) {
      group.firstDecoded = position;
      group.key = record.key();
      group.accumulator = plan.initial();
    }
    Object before = group.accumulator;
    UserCode.Outcome<Object> outcome = userCode.run(() -> plan.aggregate(record, before));
    if (outcome.succeeded()) {
      group.accumulator = outcome.value();
      group.folded.add(raw);
    } else {
      OutgoingRecord dead =
          failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS);
      group.failed.add(new DeadLetter(position, raw, dead));
    }
  }

  /** Builds the key's result, or a dead letter for each folded record if it cannot be built. */
  private void collect(Group group) {
    Topic<?, ?> topic = plan.outputs().get(0);
    Message<byte[], byte[]> last = group.folded.get(group.folded.size() - 1);
    UserCode.Outcome<OutgoingRecord> outcome =
        userCode.run(
            () ->
                new OutgoingRecord(
                    topic.name(),
                    Codec.encode(topic.keyFormat(), group.key),
                    Codec.encode(topic.valueFormat(), plan.collect(group.key, group.accumulator)),
                    Headers.empty(),
                    last.timestamp()));
    if (outcome.succeeded()) {
      group.result = outcome.value();
      return;
    }
    group.uncollected = new ArrayList<>(group.folded.size());
    for (Message<byte[], byte[]> raw : group.folded) {
      group.uncollected.add(
          failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS));
    }
  }

  /** Sends the key's result (for its last folded record), or its folded records' dead letters. */
  private void emit(Group group, BatchAcks acks) {
    if (group.result != null) {
      acks.send(group.result, group.folded.get(group.folded.size() - 1));
      metrics.recordOut(group.result.topic());
      return;
    }
    for (int i = 0; i < group.uncollected.size(); i++) {
      acks.send(group.uncollected.get(i), group.folded.get(i));
    }
  }
}
