package dev.flows.tracing;

import dev.flows.Message;
import dev.flows.spi.Connector;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A connector whose one source hands out {@code records} (all of partition 0 of their topic) once,
 * and whose sink acknowledges every send at once and keeps it in {@link #sent}.
 */
final class OneBatchConnector implements Connector {
  final List<OutgoingRecord> sent = new CopyOnWriteArrayList<>();
  private final List<Message<byte[], byte[]>> records;

  OneBatchConnector(List<Message<byte[], byte[]>> records) {
    this.records = records;
  }

  @Override
  public Source source(String group, String clientId) {
    return new OnceSource();
  }

  @Override
  public Sink sink(String clientId) {
    return new Sink() {
      @Override
      public void send(OutgoingRecord record, Ack ack) {
        sent.add(record);
        ack.completed(null);
      }

      @Override
      public void flush() {}

      @Override
      public boolean isRecordError(Exception error) {
        return false;
      }

      @Override
      public void close() {}
    };
  }

  private final class OnceSource implements Source {
    private final SourcePartition partition = new SourcePartition(records.get(0).topic(), 0);
    private PartitionListener listener;
    private boolean handedOut;

    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {
      this.listener = listener;
    }

    @Override
    public List<Message<byte[], byte[]>> poll(Duration timeout) {
      if (listener != null) {
        listener.onAssigned(List.of(partition));
        listener = null;
      }
      if (handedOut) {
        LockSupport.parkNanos(Math.min(timeout.toNanos(), Duration.ofMillis(10).toNanos()));
        return List.of();
      }
      handedOut = true;
      return records;
    }

    @Override
    public void pause(Collection<SourcePartition> partitions) {}

    @Override
    public void resume(Collection<SourcePartition> partitions) {}

    @Override
    public void seek(SourcePartition partition, long offset) {}

    @Override
    public void commit(Map<SourcePartition, Long> nextOffsets) {}

    @Override
    public Set<SourcePartition> assignment() {
      return Set.of(partition);
    }

    @Override
    public Map<SourcePartition, Long> lag() {
      return Map.of();
    }

    @Override
    public void close() {}
  }
}
