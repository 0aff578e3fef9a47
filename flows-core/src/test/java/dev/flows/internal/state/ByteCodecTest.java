package dev.flows.internal.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ByteWriter} writes the bytes {@link DataOutputStream} wrote for the fields they share, so
 * rows and envelopes stored before it are read as they were; {@link ByteReader} reads them back.
 */
class ByteCodecTest {
  private static final List<String> TEXTS =
      List.of("", "orders", "a\u0000b", "é", "日本語", "x\uD800", "\uD83D\uDE00", "topic.with-dots_1");

  @Test
  void shouldWriteWhatDataOutputStreamWroteWhenFieldsAreShared() throws IOException {
    ByteWriter writer = new ByteWriter(1);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(expected)) {
      for (String text : TEXTS) {
        writer.writeUtf(text);
        out.writeUTF(text);
      }
      for (long n : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 300}) {
        writer.writeLong(n);
        out.writeLong(n);
        writer.writeInt((int) n);
        out.writeInt((int) n);
      }
    }

    assertArrayEquals(expected.toByteArray(), writer.toByteArray());
  }

  @Test
  void shouldReadBackWhatWasWrittenWhenTheBytesAreWhole() {
    ByteWriter writer = new ByteWriter(1);
    TEXTS.forEach(writer::writeUtf);
    writer.writeVarLong(0);
    writer.writeVarLong(Long.MAX_VALUE);
    writer.writeBytes(null);
    writer.writeBytes(new byte[] {1, 2, 3});

    ByteReader reader = new ByteReader(writer.toByteArray());

    for (String text : TEXTS) {
      assertEquals(text, reader.readUtf());
    }
    assertEquals(0, reader.readVarLong());
    assertEquals(Long.MAX_VALUE, reader.readVarLong());
    assertEquals(null, reader.readBytes());
    assertArrayEquals(new byte[] {1, 2, 3}, reader.readBytes());
    assertEquals(0, reader.remaining());
  }

  @Test
  void shouldFailCleanlyWhenALengthClaimsMoreThanIsLeft() {
    ByteWriter writer = new ByteWriter(1);
    writer.writeInt(1_000_000_000);

    assertThrows(
        IllegalStateException.class, () -> new ByteReader(writer.toByteArray()).readBytes());
  }

  @Test
  void shouldWriteTheLongestNameAndRefuseALongerOneWhetherAsciiOrNot() throws IOException {
    String longest = "t".repeat(0xFFFF);
    ByteWriter writer = new ByteWriter(1);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(expected)) {
      writer.writeUtf(longest);
      out.writeUTF(longest);
    }

    assertArrayEquals(expected.toByteArray(), writer.toByteArray());
    assertThrows(IllegalArgumentException.class, () -> writer.writeUtf(longest + "t"));
    assertThrows(IllegalArgumentException.class, () -> writer.writeUtf("é".repeat(0x8000)));
  }
}
