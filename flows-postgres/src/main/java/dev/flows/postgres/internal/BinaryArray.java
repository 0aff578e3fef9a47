package dev.flows.postgres.internal;

import dev.flows.ColumnType;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * A one-dimensional array parameter in PostgreSQL's binary array format (what {@code array_recv}
 * reads, each element as {@link BinaryValue} writes it), encoded into a buffer of its exact size:
 * pgjdbc's own encoder grows its buffer from 1 KiB value by value, then copies it once more.
 * Elements are text (timestamps and JSON as their text, cast on the server), {@code bigint}, {@code
 * integer}, {@code double precision} or {@code bytea}; not booleans: pgjdbc sends a {@code
 * boolean[]} object as text (only its own {@code createArrayOf} sends it binary). Immutable.
 */
final class BinaryArray extends PGobject implements PGBinaryObject {
  /** The element types, by their format, array type oid and array type name. */
  private enum Element {
    BYTES(BinaryValue.BYTES, 1001, "_bytea"),
    TEXT(BinaryValue.TEXT, 1009, "_text"),
    INT8(BinaryValue.INT8, 1016, "_int8"),
    INT4(BinaryValue.INT4, 1007, "_int4"),
    FLOAT8(BinaryValue.FLOAT8, 1022, "_float8");

    private final BinaryValue value;
    private final int arrayOid;
    private final String arrayType;

    Element(BinaryValue value, int arrayOid, String arrayType) {
      this.value = value;
      this.arrayOid = arrayOid;
      this.arrayType = arrayType;
    }
  }

  private static final int HEADER = 20;

  private final Element element;
  private final Object[] values;
  private final boolean nulls;
  private final int length;

  private BinaryArray(Element element, Object[] values) {
    this.type = element.arrayType;
    this.element = element;
    this.values = values;
    int bytes = HEADER;
    boolean anyNull = false;
    for (Object value : values) {
      anyNull |= value == null;
      bytes += element.value.fieldSize(value);
    }
    this.nulls = anyNull;
    this.length = bytes;
  }

  /**
   * {@code values}, an array of the Java type {@link ColumnArrays} binds {@code type} as, encoded;
   * empty for booleans.
   */
  static Optional<BinaryArray> of(ColumnType type, Object[] values) {
    return switch (type) {
      case TEXT, TIMESTAMPTZ, JSONB -> Optional.of(new BinaryArray(Element.TEXT, text(values)));
      case BIGINT -> Optional.of(new BinaryArray(Element.INT8, values));
      case INTEGER -> Optional.of(new BinaryArray(Element.INT4, values));
      case DOUBLE -> Optional.of(new BinaryArray(Element.FLOAT8, values));
      case BYTEA -> Optional.of(new BinaryArray(Element.BYTES, values));
      case BOOLEAN -> Optional.empty();
    };
  }

  /** The oid of the array's type, which the connection must send binary. */
  int arrayOid() {
    return element.arrayOid;
  }

  private static Object[] text(Object[] texts) {
    Object[] bytes = new Object[texts.length];
    for (int i = 0; i < texts.length; i++) {
      bytes[i] = BinaryValue.TEXT.prepare(texts[i]);
    }
    return bytes;
  }

  @Override
  public int lengthInBytes() {
    return length;
  }

  /** Writes dimensions (1), the null flag, the element type, the length, lower bound 1, values. */
  @Override
  public void toBytes(byte[] bytes, int offset) {
    ByteBuffer out = ByteBuffer.wrap(bytes, offset, length);
    out.putInt(1).putInt(nulls ? 1 : 0).putInt(element.value.oid()).putInt(values.length).putInt(1);
    for (Object value : values) {
      element.value.write(out, value);
    }
  }

  /** Never read back: a parameter only. */
  @Override
  public void setByteValue(byte[] value, int offset) {
    throw new UnsupportedOperationException("a BinaryArray is a parameter, never read");
  }
}
