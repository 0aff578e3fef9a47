package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import dev.flows.internal.plan.CollectorPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.spi.OutgoingRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Processes one batch of a collector: folds each key's records in offset order, then emits one
 * result per key, then (through the loop) commits. A record whose fold fails is dead-lettered and
 * left out of its key's result; if a key's result cannot be built, all its records are.
 */
public final class CollectorBatchProcessor extends BatchProcessor {
  private static final ByteBuffer NULL_KEY = ByteBuffer.allocate(0);

  private final CollectorPlan plan;
  private final InputDecoder decoder;

  /** One key's fold in progress. */
  private static final class Group {
    final Object key;
    Object accumulator;
    final List<Message<byte[], byte[]>> folded = new ArrayList<>();

    Group(Object key, Object accumulator) {
      this.key = key;
      this.accumulator = accumulator;
    }
  }

  /** A processor of {@code plan}'s batches, publishing through {@code delivery}. */
  public CollectorBatchProcessor(
      CollectorPlan plan, Delivery delivery, Sleeper sleeper, FlowMetrics metrics) {
    super(plan, delivery, sleeper, metrics);
    this.plan = plan;
    this.decoder = new InputDecoder(plan.inputs());
  }

  @Override
  void fill(Batch batch, BatchAcks acks) {
    Map<ByteBuffer, Group> groups = new LinkedHashMap<>();
    for (Message<byte[], byte[]> raw : batch.records()) {
      fold(raw, groups, acks);
    }
    groups.values().forEach(group -> emit(group, acks));
  }

  private void fold(Message<byte[], byte[]> raw, Map<ByteBuffer, Group> groups, BatchAcks acks) {
    Message<Object, Object> record;
    try {
      record = decoder.decode(raw);
    } catch (FormatException e) {
      acks.send(failures.deadLetter(raw, e, 1, Stage.DECODE), raw);
      return;
    }
    ByteBuffer keyBytes = raw.key() == null ? NULL_KEY : ByteBuffer.wrap(raw.key());
    Group group = groups.computeIfAbsent(keyBytes, k -> new Group(record.key(), plan.initial()));
    UserCode.Outcome<Object> outcome =
        userCode.run(() -> plan.aggregate(record.key(), record.value(), group.accumulator));
    if (outcome.succeeded()) {
      group.accumulator = outcome.value();
      group.folded.add(raw);
    } else {
      acks.send(
          failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS), raw);
    }
  }

  private void emit(Group group, BatchAcks acks) {
    if (group.folded.isEmpty()) {
      return;
    }
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
      acks.send(outcome.value(), last);
      metrics.recordOut(topic.name());
    } else {
      group.folded.forEach(
          raw ->
              acks.send(
                  failures.deadLetter(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS),
                  raw));
    }
  }
}
