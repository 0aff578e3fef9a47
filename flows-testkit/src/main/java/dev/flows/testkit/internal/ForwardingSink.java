package dev.flows.testkit.internal;

import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/** A {@link Sink} that hands every call to another: test decorators override what they change. */
public abstract class ForwardingSink implements Sink {
  /** The sink calls go to. */
  protected final Sink sink;

  /** Forwards to {@code sink}. */
  protected ForwardingSink(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void send(OutgoingRecord record, Ack ack) {
    sink.send(record, ack);
  }

  @Override
  public void flush() {
    sink.flush();
  }

  @Override
  public boolean isRecordError(Exception error) {
    return sink.isRecordError(error);
  }

  @Override
  public boolean isConnected() {
    return sink.isConnected();
  }

  @Override
  public void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    sink.bindMetrics(registry, tags);
  }

  @Override
  public void close() {
    sink.close();
  }
}
