package dev.flows.internal.runtime;

import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.internal.plan.FlowPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.spi.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Processes one batch of a stateless flow and returns once every output is acknowledged by the
 * broker. Shared by the runtime and the test driver, so both run the same code.
 */
public final class BatchProcessor implements BatchHandler {
  /** How long the broker may take to acknowledge a batch before it counts as down. */
  public static final Duration ACK_TIMEOUT = Duration.ofMinutes(5);

  private final FlowPlan plan;
  private final Sink sink;
  private final KeyLanes lanes;
  private final RecordProcessor records;
  private final FlowMetrics metrics;

  /**
   * A processor of {@code plan}'s batches, publishing to {@code sink}, running keys on {@code
   * lanes}.
   */
  public BatchProcessor(
      FlowPlan plan, Sink sink, KeyLanes lanes, Sleeper sleeper, FlowMetrics metrics) {
    this.plan = plan;
    this.sink = sink;
    this.lanes = lanes;
    this.records = new RecordProcessor(plan, sleeper, metrics);
    this.metrics = metrics;
  }

  /**
   * Processes the batch. Throws {@link dev.flows.FlowFailedException} under fail-fast, or {@link
   * PublishFailedException} when the broker did not acknowledge; then nothing may be committed.
   */
  @Override
  public void process(Batch batch) {
    long start = System.nanoTime();
    countIn(batch);
    BatchAcks acks = new BatchAcks(sink);
    if (plan.batchFunction() != null) {
      processWhole(batch, acks);
    } else {
      lanes.run(batch.records(), raw -> records.process(raw, acks));
    }
    acks.settle(records.failures(), ACK_TIMEOUT);
    metrics.batch(batch.size(), System.nanoTime() - start);
  }

  private void countIn(Batch batch) {
    Map<String, Integer> perTopic = new HashMap<>(4);
    batch.records().forEach(r -> perTopic.merge(r.topic(), 1, Integer::sum));
    perTopic.forEach(metrics::recordsIn);
  }

  /**
   * A batch function sees all decodable records at once; on failure the whole batch is
   * dead-lettered.
   */
  private void processWhole(Batch batch, BatchAcks acks) {
    List<Message<Object, Object>> decoded = new ArrayList<>(batch.size());
    List<Message<byte[], byte[]>> sources = new ArrayList<>(batch.size());
    for (Message<byte[], byte[]> raw : batch.records()) {
      Message<Object, Object> message = records.decodeOrDeadLetter(raw, acks);
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
    UserCode.Outcome outcome = records.userCode().run(() -> runBatchFunction(decoded, buffer));
    if (outcome.succeeded()) {
      records.publish(buffer.outputs(), last, acks);
    } else {
      sources.forEach(
          raw ->
              records.exhausted(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS, acks));
    }
  }

  private void runBatchFunction(List<Message<Object, Object>> decoded, OutputBuffer buffer)
      throws Exception {
    buffer.clear();
    for (KeyValue<?, ?> kv : plan.batchFunction().apply(decoded)) {
      plan.pipeline().accept(buffer, kv.key(), kv.value());
    }
  }

  /** Outputs of a batch function belong to no single record: no headers, the last record's time. */
  private static Message<byte[], byte[]> withoutHeaders(Message<byte[], byte[]> last) {
    return last.withHeaders(dev.flows.Headers.empty());
  }
}
