package dev.flows.internal.runtime;

import dev.flows.FlowsException;
import dev.flows.Message;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.state.Codecs;
import dev.flows.internal.state.Progress;
import dev.flows.internal.state.StoredOutput;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one key's records of a batch to its row: skips what the progress covers (re-emitting
 * those records' stored outputs), applies the rest, and builds the row to write with the next
 * version. The new row's results hold every output of this batch for the key, re-emitted ones
 * included, so a crash before publishing loses none of them.
 */
final class RowUpdater {
  /** One input record, raw and decoded. */
  record Input(Message<byte[], byte[]> raw, Message<Object, Object> decoded) {}

  /** An output to publish and the input it came from. */
  record Output(OutgoingRecord record, Message<byte[], byte[]> sourceMessage) {}

  /**
   * What one key's records produced.
   *
   * @param written the row to write, {@code null} if only replays were seen
   * @param outputs what to publish, in order
   */
  record Result(StateRow written, List<Output> outputs) {}

  private final StatefulPlan plan;
  private final UserCode userCode;
  private final Failures failures;

  RowUpdater(StatefulPlan plan, UserCode userCode, Failures failures) {
    this.plan = plan;
    this.userCode = userCode;
    this.failures = failures;
  }

  Result update(String id, StateRow row, List<Input> inputs) {
    Object state = row == null || row.state() == null ? null : decodeState(id, row.state());
    Progress progress = row == null ? Progress.empty() : Progress.decode(row.progress());
    List<StoredOutput> previous = null;
    List<StoredOutput> results = new ArrayList<>();
    List<Output> outputs = new ArrayList<>();
    boolean changed = false;
    for (Input input : inputs) {
      SourcePartition source =
          new SourcePartition(input.decoded().topic(), input.decoded().partition());
      long offset = input.decoded().offset();
      if (progress.covers(source, offset)) {
        previous = previous != null ? previous : Codecs.decodeResults(row.results());
        reemit(previous, source, offset, input, results, outputs);
        continue;
      }
      state = apply(id, input, state, source, offset, results, outputs);
      progress.advance(source, offset);
      changed = true;
    }
    if (!changed) {
      return new Result(null, outputs);
    }
    long version = row == null ? 1 : row.version() + 1;
    byte[] encodedState = state == null ? null : Codec.encode(plan.state().format(), state);
    return new Result(
        new StateRow(id, encodedState, progress.encode(), Codecs.encodeResults(results), version),
        outputs);
  }

  private static void reemit(
      List<StoredOutput> previous,
      SourcePartition source,
      long offset,
      Input input,
      List<StoredOutput> results,
      List<Output> outputs) {
    for (StoredOutput stored : previous) {
      if (stored.offset() == offset && stored.source().equals(source)) {
        results.add(stored);
        outputs.add(new Output(stored.record(), input.raw()));
      }
    }
  }

  /** Applies one new record; returns the state after it ({@code null}: deleted). */
  private Object apply(
      String id,
      Input input,
      Object state,
      SourcePartition source,
      long offset,
      List<StoredOutput> results,
      List<Output> outputs) {
    Object current = state != null ? state : plan.state().initial().get();
    Object[] decided = new Object[1];
    List<OutgoingRecord> encoded = new ArrayList<>(1);
    UserCode.Outcome outcome =
        userCode.run(
            () -> {
              encoded.clear();
              decided[0] = decide(id, input, current, encoded);
            });
    if (!outcome.succeeded()) {
      OutgoingRecord deadLetter =
          failures.deadLetter(input.raw(), outcome.failure(), outcome.attempts(), Stage.PROCESS);
      keep(new StoredOutput(source, offset, deadLetter), input, results, outputs);
      return state;
    }
    encoded.forEach(
        record -> keep(new StoredOutput(source, offset, record), input, results, outputs));
    StateUpdate<?, ?> update = (StateUpdate<?, ?>) decided[0];
    return switch (update.action()) {
      case KEEP -> state;
      case SET -> update.state();
      case DELETE -> null;
    };
  }

  /** Calls the state function and encodes its outputs; any failure counts as a failed attempt. */
  private StateUpdate<?, ?> decide(
      String id, Input input, Object current, List<OutgoingRecord> encoded) throws Exception {
    Message<Object, Object> record = input.decoded();
    StateUpdate<?, ?> update =
        plan.reader().function(record).apply(record.key(), record.value(), current);
    if (update == null) {
      throw new FlowsException(
          "the state function of "
              + plan.name()
              + " returned null; return StateUpdate.keep() instead");
    }
    for (Object value : update.outputs()) {
      encoded.add(encodeOutput(id, input, value));
    }
    return update;
  }

  private OutgoingRecord encodeOutput(String id, Input input, Object value) {
    Topic<?, ?> topic = plan.outputTopic(value);
    if (topic == null) {
      throw new FlowsException(
          "flow " + plan.name() + " has no output topic but its state function emitted " + value);
    }
    byte[] key = Codec.encode(topic.keyFormat(), plan.reader().outputKey(input.decoded(), id));
    return new OutgoingRecord(
        topic.name(),
        key,
        Codec.encode(topic.valueFormat(), value),
        input.raw().headers(),
        input.raw().timestamp());
  }

  private static void keep(
      StoredOutput stored, Input input, List<StoredOutput> results, List<Output> outputs) {
    results.add(stored);
    outputs.add(new Output(stored.record(), input.raw()));
  }

  private Object decodeState(String id, byte[] bytes) {
    return Codec.decode(
        plan.state().format(), bytes, "stored state of " + id + " in " + plan.state().table());
  }
}
