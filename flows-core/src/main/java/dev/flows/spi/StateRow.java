package dev.flows.spi;

/**
 * One row of a state table. The store treats {@code state}, {@code progress} and {@code results} as
 * opaque bytes; the runtime encodes them.
 *
 * @param id the persistence id (state key)
 * @param state the encoded state, {@code null} when deleted or never set
 * @param progress per source partition, the last applied offset (encoded)
 * @param results the outputs of the row's last write with their source offsets (encoded)
 * @param version incremented on every write; 0 means the row does not exist
 */
public record StateRow(String id, byte[] state, byte[] progress, byte[] results, long version) {}
