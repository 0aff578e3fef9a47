package dev.flows.postgres.internal;

import dev.flows.ColumnType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One value in PostgreSQL's binary format (what the type's receive function reads), framed as an
 * array element and a binary {@code COPY} field both are: its length as a 32-bit integer, -1 for
 * NULL, then its bytes. The one place per type that encodes a value, for {@link BinaryArray} and
 * {@link CopyRows}. Each takes its value as {@link #prepare} gives it.
 */
enum BinaryValue {
  /** {@code bytea}: the bytes. */
  BYTES(17, -1),
  /** {@code text}: the UTF-8 bytes. */
  TEXT(25, -1),
  /** {@code bigint}: a {@link Long}. */
  INT8(20, 8),
  /** {@code integer}: an {@link Integer}. */
  INT4(23, 4),
  /** {@code double precision}: a {@link Double}, IEEE 754. */
  FLOAT8(701, 8),
  /** {@code boolean}: a {@link Boolean}, one byte. */
  BOOL(16, 1),
  /** {@code jsonb}: version 1, then the JSON text's UTF-8 bytes. */
  JSONB(3802, -1),
  /** {@code timestamptz}: microseconds since 2000-01-01 UTC ({@link Timestamps#micros}). */
  TIMESTAMPTZ(1184, 8);

  private static final byte JSONB_VERSION = 1;

  private final int oid;
  private final int size;

  BinaryValue(int oid, int size) {
    this.oid = oid;
    this.size = size;
  }

  /** The oid of the PostgreSQL type this format is the binary format of. */
  int oid() {
    return oid;
  }

  /** The format of a column of {@code type}. */
  static BinaryValue of(ColumnType type) {
    return switch (type) {
      case TEXT -> TEXT;
      case BIGINT -> INT8;
      case INTEGER -> INT4;
      case DOUBLE -> FLOAT8;
      case BOOLEAN -> BOOL;
      case BYTEA -> BYTES;
      case TIMESTAMPTZ -> TIMESTAMPTZ;
      case JSONB -> JSONB;
    };
  }

  /**
   * {@code value} as this type writes it: text and JSON as their UTF-8 bytes (from a {@link
   * String}), a timestamp as a {@link Long} of microseconds (from an {@link Instant}), anything
   * else as it is.
   */
  Object prepare(Object value) {
    return switch (this) {
      case TEXT, JSONB ->
          value instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : value;
      case TIMESTAMPTZ -> value instanceof Instant instant ? Timestamps.micros(instant) : value;
      default -> value;
    };
  }

  /** The bytes {@link #write} writes for {@code value}, the length field included. */
  int fieldSize(Object value) {
    if (value == null) {
      return 4;
    }
    return 4
        + switch (this) {
          case BYTES, TEXT -> ((byte[]) value).length;
          case JSONB -> 1 + ((byte[]) value).length;
          default -> size;
        };
  }

  /** Writes {@code value} (prepared), or NULL, with its length. */
  void write(ByteBuffer out, Object value) {
    if (value == null) {
      out.putInt(-1);
      return;
    }
    switch (this) {
      case BYTES, TEXT -> out.putInt(((byte[]) value).length).put((byte[]) value);
      case JSONB -> out.putInt(1 + ((byte[]) value).length).put(JSONB_VERSION).put((byte[]) value);
      case INT8, TIMESTAMPTZ -> out.putInt(8).putLong((Long) value);
      case INT4 -> out.putInt(4).putInt((Integer) value);
      case FLOAT8 -> out.putInt(8).putDouble((Double) value);
      case BOOL -> out.putInt(1).put((byte) ((Boolean) value ? 1 : 0));
    }
  }
}
