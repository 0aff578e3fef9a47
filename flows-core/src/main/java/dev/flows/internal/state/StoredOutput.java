package dev.flows.internal.state;

import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;

/**
 * An output of a row's last write and the input record it came from, kept so a replay of that
 * record re-publishes it (at-least-once publishing of committed state changes).
 *
 * @param source the input partition
 * @param offset the input offset
 * @param record the output
 */
public record StoredOutput(SourcePartition source, long offset, OutgoingRecord record) {}
