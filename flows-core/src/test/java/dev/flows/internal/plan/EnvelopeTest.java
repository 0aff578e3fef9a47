package dev.flows.internal.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private static final Headers ODD =
      Headers.empty()
          .with("none", (byte[]) null)
          .with("binary", new byte[] {(byte) 0xff, 0x00})
          .with("twice", "1")
          .with("twice", "2")
          .with("k".repeat(70_000), "a key longer than 64 KiB");

  @Test
  void shouldCarryKeyValueCoordinatesAndEveryHeaderWhenRoundTripped() {
    Message<byte[], byte[]> source = new Message<>("words", 3, 42L, 1_000L, null, bytes("v"), ODD);
    Message<byte[], byte[]> back = Envelope.decode(Envelope.encode(source));
    assertEquals("words", back.topic());
    assertEquals(3, back.partition());
    assertEquals(42L, back.offset());
    assertEquals(1_000L, back.timestamp());
    assertEquals(null, back.key());
    assertArrayEquals(bytes("v"), back.value());
    assertEquals(ODD, back.headers());
  }

  @Test
  void shouldReadAVersionOneEnvelopeWhenItWasWrittenBeforeTheUpgrade() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF("words");
      out.writeInt(0);
      out.writeLong(7L);
      out.writeLong(9L);
      out.writeInt(1);
      out.write(bytes("k"));
      out.writeInt(-1);
      out.writeInt(1);
      out.writeUTF("trace");
      out.writeInt(2);
      out.write(bytes("t1"));
    }
    Message<byte[], byte[]> back = Envelope.decode(bytes.toByteArray());
    assertEquals(7L, back.offset());
    assertArrayEquals(bytes("k"), back.key());
    assertEquals(Headers.empty().with("trace", "t1"), back.headers());
  }

  @Test
  void shouldRejectACorruptEnvelopeWithoutAllocatingWhatItClaims() {
    byte[] valid = Envelope.encode(new Message<>("words", 0, 1L, 2L, bytes("k"), null, ODD));
    byte[] hostile = valid.clone();
    int keyLength = 1 + 2 + "words".length() + 4 + 8 + 8;
    hostile[keyLength] = 0x7f; // the key claims about 2 GiB
    FormatException error = assertThrows(FormatException.class, () -> Envelope.decode(hostile));
    assertTrue(error.getMessage().contains("bytes are left"), error.getMessage());
    assertThrows(
        FormatException.class,
        () -> Envelope.decode(Arrays.copyOf(valid, valid.length - 1)),
        "a truncated envelope");
    assertThrows(FormatException.class, () -> Envelope.decode(new byte[] {9}), "version 9");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
