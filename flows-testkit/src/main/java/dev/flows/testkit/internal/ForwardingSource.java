package dev.flows.testkit.internal;

import dev.flows.Message;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Source;
import dev.flows.spi.SourceGeneration;
import dev.flows.spi.SourcePartition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link Source} that hands every call to another: test decorators override what they change. */
public abstract class ForwardingSource implements Source {
  /** The source calls go to. */
  protected final Source source;

  /** Forwards to {@code source}. */
  protected ForwardingSource(Source source) {
    this.source = source;
  }

  @Override
  public void subscribe(Collection<String> topics, PartitionListener listener) {
    source.subscribe(topics, listener);
  }

  @Override
  public List<Message<byte[], byte[]>> poll(Duration timeout) {
    return source.poll(timeout);
  }

  @Override
  public void pause(Collection<SourcePartition> partitions) {
    source.pause(partitions);
  }

  @Override
  public void resume(Collection<SourcePartition> partitions) {
    source.resume(partitions);
  }

  @Override
  public void seek(SourcePartition partition, long offset) {
    source.seek(partition, offset);
  }

  @Override
  public void commit(Map<SourcePartition, Long> nextOffsets) {
    source.commit(nextOffsets);
  }

  @Override
  public void commit(
      Map<SourcePartition, Long> nextOffsets, Map<SourcePartition, String> metadata) {
    source.commit(nextOffsets, metadata);
  }

  @Override
  public Map<SourcePartition, String> committedMetadata(Collection<SourcePartition> partitions) {
    return source.committedMetadata(partitions);
  }

  @Override
  public Map<SourcePartition, Long> committed(Collection<SourcePartition> partitions) {
    return source.committed(partitions);
  }

  @Override
  public SourceGeneration generation() {
    return source.generation();
  }

  @Override
  public Set<SourcePartition> assignment() {
    return source.assignment();
  }

  @Override
  public boolean isConnected() {
    return source.isConnected();
  }

  @Override
  public void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    source.bindMetrics(registry, tags);
  }

  @Override
  public Map<SourcePartition, Long> lag() {
    return source.lag();
  }

  @Override
  public void close() {
    source.close();
  }
}
