package dev.flows.internal.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Headers;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The stored results layout (version 3) pinned by bytes written before outputs could carry a key,
 * headers and a timestamp of their own: a row stored then reads as the same output, and an output
 * of a message function is stored in the same layout, so rows of both builds read alike. Held
 * outputs (windows emitting on close) need version 4, written only when one is held; a window's
 * passes version 6.
 */
class StoredResultsFormatTest {
  /**
   * One output of {@code a-0@10} (generation 0): topic {@code high}, key {@code re-k}, value {@code
   * hi!}, timestamp 1000, headers {@code trace=t1}, {@code call=1} and {@code empty} with a null
   * value; as {@code Codecs.encodeResults} of the main branch before record context wrote it.
   */
  private static final String VERSION_3_ROW =
      "030000000100016100000a0004686967680000000472652d6b0000000368692100000000000003e8"
          + "000000030000000574726163650000000274310000000463616c6c000000013100000005656d707479"
          + "ffffffff";

  private static final Headers HEADERS =
      Headers.empty().with("trace", "t1").with("call", "1").with("empty", (byte[]) null);

  @Test
  void shouldReadAnOutputStoredBeforeRecordContextWithItsKeyHeadersAndTimestamp() {
    List<StoredOutput> read = Codecs.decodeResults(HexFormat.of().parseHex(VERSION_3_ROW), t -> 0);

    assertEquals(1, read.size());
    StoredOutput stored = read.get(0);
    assertEquals(new SourcePartition("a", 0), stored.source());
    assertEquals(10L, stored.offset());
    OutgoingRecord record = stored.record();
    assertEquals("high", record.topic());
    assertArrayEquals(bytes("re-k"), record.key());
    assertArrayEquals(bytes("hi!"), record.value());
    assertEquals(HEADERS, record.headers());
    assertEquals(1000L, record.timestamp());
  }

  @Test
  void shouldStoreAnOutputInTheLayoutEarlierBuildsRead() {
    OutgoingRecord output = new OutgoingRecord("high", bytes("re-k"), bytes("hi!"), HEADERS, 1000L);

    byte[] written =
        Codecs.encodeResults(
            List.of(new StoredOutput(new SourcePartition("a", 0), 10, output)), t -> 0);

    assertEquals(VERSION_3_ROW, HexFormat.of().formatHex(written));
  }

  @Test
  void shouldKeepWhichOutputsAreHeldWhenAnyIsHeld() {
    OutgoingRecord output = new OutgoingRecord("high", bytes("re-k"), bytes("hi!"), HEADERS, 1000L);
    List<StoredOutput> outputs =
        List.of(
            new StoredOutput(new SourcePartition("a", 0), 10, output),
            new StoredOutput(new SourcePartition("a", 0), 12, output, true));

    byte[] written = Codecs.encodeResults(outputs, t -> 0);

    assertEquals(4, written[0], "layout version");
    List<StoredOutput> read = Codecs.decodeResults(written, t -> 0);
    assertEquals(List.of(false, true), read.stream().map(StoredOutput::held).toList());
    assertEquals(List.of(10L, 12L), read.stream().map(StoredOutput::offset).toList());
    assertEquals(HEADERS, read.get(1).record().headers());
  }

  @Test
  void shouldKeepAWindowsPassesAfterItsOutputsAndDropThoseOfAnotherGenerationWithTheClose() {
    OutgoingRecord output = new OutgoingRecord("high", bytes("re-k"), bytes("hi!"), HEADERS, 1000L);
    List<StoredOutput> outputs = List.of(new StoredOutput(new SourcePartition("a", 0), 10, output));
    WindowPasses passes =
        new WindowPasses(Set.of(new SourcePartition("a", 0), new SourcePartition("b", 3)), true);

    byte[] written = Codecs.encodeResults(outputs, null, passes, t -> 0);

    assertEquals(6, written[0], "layout version");
    assertEquals(passes, Codecs.decodePasses(written, t -> 0));
    List<StoredOutput> read = Codecs.decodeResults(written, t -> 0);
    assertEquals(1, read.size());
    assertEquals(10L, read.get(0).offset());
    assertArrayEquals(bytes("hi!"), read.get(0).record().value());
    assertEquals(
        new WindowPasses(Set.of(new SourcePartition("a", 0)), false),
        Codecs.decodePasses(written, topic -> topic.equals("b") ? 1 : 0),
        "b was recreated: its pass, and the close it made, are gone");
    assertEquals(
        WindowPasses.NONE, Codecs.decodePasses(Codecs.encodeResults(outputs, t -> 0), t -> 0));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
