package dev.flows.internal.runtime;

import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.internal.plan.StatelessPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.internal.trace.Untraced;
import java.util.ArrayList;
import java.util.List;

/**
 * Processes one batch of a stateless flow and returns once every output is acknowledged by the
 * broker. Shared by the runtime and the test driver, so both run the same code.
 */
public final class StatelessBatchProcessor extends BatchProcessor {
  private final StatelessPlan plan;
  private final KeyLanes lanes;
  private final RecordProcessor records;

  /**
   * A processor of {@code plan}'s batches, publishing through {@code delivery}, running keys on
   * {@code lanes}.
   */
  public StatelessBatchProcessor(
      StatelessPlan plan,
      Delivery delivery,
      KeyLanes lanes,
      Sleeper sleeper,
      FlowMetrics metrics,
      FlowTracer tracer) {
    super(plan, delivery, sleeper, metrics, tracer);
    this.plan = plan;
    this.lanes = lanes;
    this.records = new RecordProcessor(plan, userCode, failures, metrics);
  }

  @Override
  Runnable fill(Batch batch, BatchAcks acks) {
    if (plan.batchFunction() != null) {
      processWhole(batch, acks);
    } else {
      lanes.run(batch.records(), raw -> records.process(raw, acks));
    }
    return NOTHING;
  }

  /**
   * A batch function sees all decodable records at once; on failure the whole batch is
   * dead-lettered.
   */
  private void processWhole(Batch batch, BatchAcks acks) {
    List<Message<Object, Object>> decoded = new ArrayList<>(batch.size());
    List<Message<byte[], byte[]>> sources = new ArrayList<>(batch.size());
    for (Message<byte[], byte[]> raw : batch.records()) {
      Message<Object, Object> message = records.decodeOrDeadLetter(raw, acks, Untraced.INSTANCE);
      if (message != null) {
        decoded.add(message);
        sources.add(raw);
      }
    }
    if (decoded.isEmpty()) {
      return;
    }
    Message<byte[], byte[]> last = withoutHeaders(sources.get(sources.size() - 1));
    OutputBuffer buffer = new OutputBuffer(last);
    UserCode.Outcome<OutputBuffer> outcome =
        userCode.run(() -> runBatchFunction(decoded, last, buffer));
    if (outcome.succeeded()) {
      records.publish(buffer.outputs(), last, acks);
    } else {
      sources.forEach(
          raw ->
              records.exhausted(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS, acks));
    }
  }

  private OutputBuffer runBatchFunction(
      List<Message<Object, Object>> decoded, Message<byte[], byte[]> last, OutputBuffer buffer)
      throws Exception {
    buffer.clear();
    for (KeyValue<?, ?> kv : plan.batchFunction().apply(decoded)) {
      plan.pipeline()
          .accept(
              buffer,
              new Message<>(
                  last.topic(),
                  last.partition(),
                  last.offset(),
                  last.timestamp(),
                  kv.key(),
                  kv.value(),
                  last.headers()));
    }
    return buffer;
  }

  /** Outputs of a batch function belong to no single record: no headers, the last record's time. */
  private static Message<byte[], byte[]> withoutHeaders(Message<byte[], byte[]> last) {
    return last.withHeaders(Headers.empty());
  }
}
