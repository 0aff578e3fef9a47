package dev.flows.kafka.internal;

import dev.flows.spi.SourceGeneration;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

/**
 * A consumer's group metadata at one moment (group, generation, member id, instance id): what a
 * transactional offset commit is checked against (KIP-447).
 *
 * @param metadata the consumer's {@code groupMetadata()}
 */
record KafkaGeneration(ConsumerGroupMetadata metadata) implements SourceGeneration {}
