package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.spi.Sink;
import java.util.List;

/**
 * At-least-once: outputs are sent and acknowledged, then the poll loop commits the batch's offsets.
 * A crash in between publishes the outputs again; a send refused for its record is dead-lettered in
 * the same batch.
 */
public final class AtLeastOnceDelivery implements Delivery {
  private final Sink sink;

  /** Publishing to {@code sink}, which the runtime owns and closes. */
  public AtLeastOnceDelivery(Sink sink) {
    this.sink = sink;
  }

  @Override
  public Sink sink() {
    return sink;
  }

  @Override
  public void begin(Batch batch) {}

  @Override
  public void commit(Batch batch) {}

  @Override
  public void abort(Batch batch) {}

  @Override
  public boolean pollLoopCommits() {
    return true;
  }

  @Override
  public Exception refusedBefore(Message<byte[], byte[]> source) {
    return null;
  }

  @Override
  public boolean refused(List<BatchAcks.RejectedSend> rejected) {
    return true;
  }

  @Override
  public void close() {}
}
