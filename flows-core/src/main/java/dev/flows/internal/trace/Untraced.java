package dev.flows.internal.trace;

import dev.flows.Flow;
import dev.flows.Headers;
import dev.flows.Message;
import java.time.Instant;
import java.util.List;

/** Tracing off: every span is this one constant, which does nothing and stamps nothing. */
public enum Untraced implements Tracing, FlowTracer, BatchTrace, Trace.Scope {
  /** The one instance. */
  INSTANCE;

  @Override
  public FlowTracer flow(Flow flow, boolean recordSpans) {
    return this;
  }

  @Override
  public String describe() {
    return "off (no OpenTelemetry API on the class path)";
  }

  @Override
  public BatchTrace batch(List<Message<byte[], byte[]>> records) {
    return this;
  }

  @Override
  public Trace task(String queue, Headers headers, int attempt) {
    return this;
  }

  @Override
  public Trace request(String path, Headers headers) {
    return this;
  }

  @Override
  public Trace firing(Instant due) {
    return this;
  }

  @Override
  public Headers stamp(Headers headers, Message<byte[], byte[]> source) {
    return headers;
  }

  @Override
  public Trace record(Message<byte[], byte[]> source) {
    return this;
  }

  @Override
  public Headers stamp(Headers headers) {
    return headers;
  }

  @Override
  public Scope enter() {
    return this;
  }

  @Override
  public void attribute(String key, long value) {}

  @Override
  public void failed(Throwable error) {}

  @Override
  public void failed(String reason) {}

  @Override
  public void end() {}

  @Override
  public void close() {}
}
