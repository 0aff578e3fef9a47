package dev.flows.kafka.internal;

import dev.flows.Headers;
import dev.flows.spi.OutgoingRecord;
import java.nio.charset.StandardCharsets;

/**
 * An upper bound of a record's size in a batch of its own (record format v2), as the producer
 * checks it against {@code max.request.size}: the batch header, the record's fixed fields and a
 * varint of at most 5 bytes per length. At least the producer's own estimate, so a record this
 * allows the producer allows too.
 */
final class RecordSize {
  private static final int BATCH_OVERHEAD = 61;
  private static final int RECORD_OVERHEAD = 21;
  private static final int VARINT = 5;

  private RecordSize() {}

  static int upperBound(OutgoingRecord record) {
    long size = BATCH_OVERHEAD + RECORD_OVERHEAD + length(record.key()) + length(record.value());
    for (Headers.Header header : record.headers()) {
      size += VARINT + header.key().getBytes(StandardCharsets.UTF_8).length;
      size += VARINT + length(header.value());
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
