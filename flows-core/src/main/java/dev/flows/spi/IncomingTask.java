package dev.flows.spi;

import dev.flows.Headers;

/**
 * A task delivered to a {@link TaskHandler}.
 *
 * @param queue the queue it was read from
 * @param body the encoded task
 * @param headers its headers
 * @param attempt which attempt this is, from 1
 */
public record IncomingTask(String queue, byte[] body, Headers headers, int attempt) {}
