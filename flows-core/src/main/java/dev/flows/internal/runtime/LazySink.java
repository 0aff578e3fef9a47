package dev.flows.internal.runtime;

import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.function.Supplier;

/**
 * A sink opened on first use, so building a runtime checks every flow before anything connects.
 * Thread-safe.
 */
public final class LazySink implements Sink {
  private final Supplier<Sink> open;
  private volatile Sink sink;

  /** A sink that {@code open} opens when first used. */
  public LazySink(Supplier<Sink> open) {
    this.open = open;
  }

  private Sink sink() {
    Sink opened = sink;
    if (opened == null) {
      synchronized (this) {
        if (sink == null) {
          sink = open.get();
        }
        opened = sink;
      }
    }
    return opened;
  }

  @Override
  public void send(OutgoingRecord record, Ack ack) {
    sink().send(record, ack);
  }

  @Override
  public void flush() {
    sink().flush();
  }

  @Override
  public boolean isRecordError(Exception error) {
    return sink().isRecordError(error);
  }

  @Override
  public boolean isConnected() {
    return sink().isConnected();
  }

  @Override
  public void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    sink().bindMetrics(registry, tags);
  }

  /** Closes the sink if it was opened. */
  @Override
  public synchronized void close() {
    if (sink != null) {
      sink.close();
    }
  }
}
