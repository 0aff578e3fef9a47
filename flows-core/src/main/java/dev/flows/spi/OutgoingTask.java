package dev.flows.spi;

import dev.flows.Headers;

/**
 * An encoded task to publish.
 *
 * @param queue the target queue
 * @param body the encoded task
 * @param headers the headers (those of the record it came from)
 */
public record OutgoingTask(String queue, byte[] body, Headers headers) {}
