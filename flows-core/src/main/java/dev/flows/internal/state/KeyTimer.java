package dev.flows.internal.state;

/**
 * A row's event-time timer: kept with the row's stored outputs, so it is written and fenced with
 * the row, and the state stays in the user's format.
 *
 * @param at when it fires, in epoch milliseconds of event time
 * @param key the key of the record whose update set it, in the first input's key format; {@code
 *     null} for a record without a key
 */
public record KeyTimer(long at, byte[] key) {}
