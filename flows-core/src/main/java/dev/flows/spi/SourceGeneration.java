package dev.flows.spi;

/**
 * The group membership a {@link Source} held at one moment (Kafka: the consumer's group metadata,
 * KIP-447). Offsets committed in a transaction under a generation the group has since left behind
 * are refused by the broker, which fences a worker that lost its partitions without noticing.
 * Opaque to the runtime: it only hands it from the source to the {@link TransactionalSink}.
 */
public interface SourceGeneration {}
