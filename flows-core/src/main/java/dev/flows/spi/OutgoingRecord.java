package dev.flows.spi;

import dev.flows.Headers;

/**
 * An encoded record to publish.
 *
 * @param topic the target topic
 * @param key the encoded key, may be {@code null}
 * @param value the encoded value, may be {@code null} (a tombstone)
 * @param headers the headers
 * @param timestamp milliseconds since the epoch, or {@code null} to let the sink choose
 */
public record OutgoingRecord(
    String topic, byte[] key, byte[] value, Headers headers, Long timestamp) {}
