package dev.flows.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * Writes {@link SqlBatch} rows with one {@code COPY ... FROM STDIN (FORMAT binary)}: header, one
 * tuple of (id, value, updated_offset, source_partition, source_generation) per row, trailer.
 */
final class BinaryCopy {
  static final String COLUMNS = "id, value, updated_offset, source_partition, source_generation";

  private static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private BinaryCopy() {}

  /** Copies {@code batch} into {@code table} on {@code c}, in its current transaction. */
  static long copy(Connection c, String table, SqlBatch batch) throws SQLException {
    try {
      return c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY \"" + table + "\" (" + COLUMNS + ") FROM STDIN (FORMAT binary)",
              new ByteArrayInputStream(encode(batch)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] encode(SqlBatch batch) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.size() * 160);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.write(HEADER);
      for (int i = 0; i < batch.size(); i++) {
        out.writeShort(5);
        text(out, batch.ids()[i]);
        text(out, batch.values()[i]);
        out.writeInt(8);
        out.writeLong(batch.offsets()[i]);
        out.writeInt(4);
        out.writeInt(batch.partitions()[i]);
        out.writeInt(4);
        out.writeInt(batch.generations()[i]);
      }
      out.writeShort(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void text(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
