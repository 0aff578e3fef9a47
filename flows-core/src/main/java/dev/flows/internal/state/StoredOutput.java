package dev.flows.internal.state;

import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;

/**
 * An output of a row's last write and the input record it came from, kept so a replay of that
 * record re-publishes it (at-least-once publishing of committed state changes); or an output held
 * until its window closes (final results), published then as the output of the record that closed
 * it.
 *
 * @param source the input partition
 * @param offset the input offset
 * @param record the output
 * @param held whether it waits for its window to close: not published yet, kept whatever is
 *     published
 */
public record StoredOutput(
    SourcePartition source, long offset, OutgoingRecord record, boolean held) {
  /** An output published for the record at {@code offset} of {@code source}. */
  public StoredOutput(SourcePartition source, long offset, OutgoingRecord record) {
    this(source, offset, record, false);
  }
}
