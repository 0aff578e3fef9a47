package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.internal.plan.Node;
import dev.flows.internal.plan.StatelessPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.trace.Trace;
import dev.flows.spi.OutgoingRecord;
import java.util.List;

/**
 * Processes single records of a stateless flow: decode, run the pipeline under the error policy,
 * publish the outputs or dead-letter the record. Thread-safe: lanes share one instance.
 */
final class RecordProcessor {
  private final StatelessPlan plan;
  private final InputDecoder decoder;
  private final UserCode userCode;
  private final Failures failures;
  private final FlowMetrics metrics;

  RecordProcessor(StatelessPlan plan, UserCode userCode, Failures failures, FlowMetrics metrics) {
    this.plan = plan;
    this.decoder = new InputDecoder(plan.inputs());
    this.userCode = userCode;
    this.failures = failures;
    this.metrics = metrics;
  }

  /**
   * Processes one record in its own span (with per-record spans on); its outputs (or its dead
   * letter) are sent through {@code acks}.
   */
  void process(Message<byte[], byte[]> raw, BatchAcks acks) {
    Trace trace = acks.trace().record(raw);
    Trace.Scope current = trace.enter();
    try {
      process(raw, acks, trace);
    } finally {
      current.close();
      trace.end();
    }
  }

  private void process(Message<byte[], byte[]> raw, BatchAcks acks, Trace trace) {
    Message<Object, Object> decoded = decodeOrDeadLetter(raw, acks, trace);
    if (decoded == null) {
      return;
    }
    Node pipeline = plan.pipeline();
    OutputBuffer buffer = new OutputBuffer(raw);
    UserCode.Outcome<OutputBuffer> outcome =
        userCode.run(
            () -> {
              buffer.clear();
              pipeline.accept(buffer, decoded);
              return buffer;
            });
    if (outcome.succeeded()) {
      publish(buffer.outputs(), raw, acks);
    } else {
      trace.failed(outcome.failure());
      exhausted(raw, outcome.failure(), outcome.attempts(), Stage.PROCESS, acks);
    }
  }

  /**
   * Decodes a record with its input topic's formats, or dead-letters it (marking {@code trace}
   * failed) and returns {@code null}.
   */
  Message<Object, Object> decodeOrDeadLetter(
      Message<byte[], byte[]> raw, BatchAcks acks, Trace trace) {
    try {
      return decoder.decode(raw);
    } catch (FormatException e) {
      trace.failed(e);
      exhausted(raw, e, 1, Stage.DECODE, acks);
      return null;
    }
  }

  /**
   * Sends outputs with the headers and timestamp the pipeline gave them (the source record's unless
   * a step set others).
   */
  void publish(List<OutputBuffer.Output> outputs, Message<byte[], byte[]> source, BatchAcks acks) {
    for (OutputBuffer.Output out : outputs) {
      acks.send(
          new OutgoingRecord(out.topic(), out.key(), out.value(), out.headers(), out.timestamp()),
          source);
      metrics.recordOut(out.topic());
    }
  }

  /** Dead-letters a record, or fails the flow under a fail-fast policy. */
  void exhausted(
      Message<byte[], byte[]> raw, Exception error, int attempts, Stage stage, BatchAcks acks) {
    acks.send(failures.deadLetter(raw, error, attempts, stage), raw);
  }
}
