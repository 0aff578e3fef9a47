package dev.flows.spi;

/**
 * One row of a state table. The store treats {@code state}, {@code progress} and {@code results} as
 * opaque bytes; the runtime encodes them.
 *
 * @param id the persistence id (state key)
 * @param state the encoded state, {@code null} when deleted or never set
 * @param stateVersion the format version {@code state} is encoded in (see {@link
 *     dev.flows.StateSpec#version()}), 1 for rows written before versions existed
 * @param progress what the row has applied: per partition it was fed from, the last offset, and for
 *     joins the origin offsets of a dedupe window (encoded)
 * @param results the outputs not yet known published, with the offsets they came from (encoded)
 * @param version incremented on every write; 0 means the row does not exist
 */
public record StateRow(
    String id, byte[] state, int stateVersion, byte[] progress, byte[] results, long version) {}
