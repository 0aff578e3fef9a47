package dev.flows.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.internal.plan.Codec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatsTest {
  record Order(String id, int quantity, List<String> items) {}

  private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xfe, 0x00, 0x01, (byte) 0x80};

  @Test
  void shouldPassBytesThroughUnchangedWhenBytesFormat() {
    byte[] payload = {0, 1, (byte) 0xff};

    assertSame(payload, Formats.bytes().encode(payload));
    assertSame(payload, Formats.bytes().decode(payload));
    assertEquals("bytes", Formats.bytes().name());
  }

  @Test
  void shouldRoundTripUtf8TextWhenStringFormat() {
    String text = "Grüße, 世界 🍎";

    byte[] encoded = Formats.string().encode(text);

    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), encoded);
    assertEquals(text, Formats.string().decode(encoded));
    assertEquals("string", Formats.string().name());
  }

  @Test
  void shouldReplaceMalformedUtf8WhenStringFormatDecodes() {
    assertEquals("a\uFFFDb", Formats.string().decode(new byte[] {'a', (byte) 0xc3, 'b'}));
  }

  @Test
  void shouldWriteDecimalTextWhenLongsFormat() {
    assertArrayEquals("-42".getBytes(StandardCharsets.UTF_8), Formats.longs().encode(-42L));
    assertEquals(
        Long.MAX_VALUE,
        Formats.longs().decode(Long.toString(Long.MAX_VALUE).getBytes(StandardCharsets.UTF_8)));
    assertEquals("long", Formats.longs().name());
  }

  @Test
  void shouldFailWithATypedErrorNamingTheTextWhenLongsFormatDecodesGarbage() {
    FormatException e =
        assertThrows(
            FormatException.class,
            () -> Formats.longs().decode("4x2".getBytes(StandardCharsets.UTF_8)));

    assertEquals("cannot decode '4x2' as a decimal long", e.getMessage());
  }

  @Test
  void shouldRoundTripARecordWhenJsonFormat() {
    Format<Order> format = Formats.json(Order.class);
    Order order = new Order("o-1", 3, List.of("apple", "pizza"));

    byte[] encoded = format.encode(order);

    assertEquals(
        "{\"id\":\"o-1\",\"quantity\":3,\"items\":[\"apple\",\"pizza\"]}",
        new String(encoded, StandardCharsets.UTF_8));
    assertEquals(order, format.decode(encoded));
    assertEquals("json(Order)", format.name());
  }

  @Test
  void shouldIgnoreUnknownPropertiesWhenJsonFormatUsesTheDefaultMapper() {
    byte[] newer =
        "{\"id\":\"o-2\",\"quantity\":1,\"items\":[],\"addedLater\":true}"
            .getBytes(StandardCharsets.UTF_8);

    assertEquals(new Order("o-2", 1, List.of()), Formats.json(Order.class).decode(newer));
  }

  @Test
  void shouldUseTheGivenMapperWhenJsonFormatHasOne() {
    byte[] newer =
        "{\"id\":\"o-2\",\"quantity\":1,\"items\":[],\"addedLater\":true}"
            .getBytes(StandardCharsets.UTF_8);
    Format<Order> strict = Formats.json(Order.class, new ObjectMapper());

    FormatException e = assertThrows(FormatException.class, () -> strict.decode(newer));

    assertTrue(e.getMessage().contains("addedLater"), e.getMessage());
  }

  @Test
  void shouldThrowFormatExceptionNamingJsonAndTheTypeWhenBytesAreNotJson() {
    FormatException e =
        assertThrows(FormatException.class, () -> Formats.json(Order.class).decode(GARBAGE));

    assertTrue(e.getMessage().startsWith("cannot decode JSON as Order: "), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void shouldThrowFormatExceptionWhenJsonHasTheWrongShape() {
    byte[] array = "[1,2]".getBytes(StandardCharsets.UTF_8);

    FormatException e =
        assertThrows(FormatException.class, () -> Formats.json(Order.class).decode(array));

    assertTrue(e.getMessage().startsWith("cannot decode JSON as Order"), e.getMessage());
  }

  @Test
  void shouldThrowFormatExceptionNamingJsonWhenAValueCannotBeEncoded() {
    FormatException e =
        assertThrows(FormatException.class, () -> Formats.json(Object.class).encode(new Object()));

    assertTrue(e.getMessage().startsWith("cannot encode Object as JSON"), e.getMessage());
  }

  @Test
  void shouldRoundTripAWellKnownTypeWhenProtobufFormat() {
    Format<StringValue> format = Formats.protobuf(StringValue.parser());
    StringValue value = StringValue.of("apple");

    assertEquals(value, format.decode(format.encode(value)));
    assertArrayEquals(value.toByteArray(), format.encode(value));
    assertEquals("protobuf", format.name());
  }

  @Test
  void shouldRoundTripATimestampWhenProtobufFormat() {
    Format<Timestamp> format = Formats.protobuf(Timestamp.parser());
    Timestamp time =
        Timestamp.newBuilder().setSeconds(1_767_225_600L).setNanos(123_000_000).build();

    assertEquals(time, format.decode(format.encode(time)));
  }

  @Test
  void shouldDecodeAnEmptyPayloadAsTheDefaultInstanceWhenProtobufFormat() {
    assertEquals(
        Timestamp.getDefaultInstance(), Formats.protobuf(Timestamp.parser()).decode(new byte[0]));
  }

  @Test
  void shouldThrowFormatExceptionNamingProtobufWhenBytesAreGarbage() {
    FormatException e =
        assertThrows(
            FormatException.class, () -> Formats.protobuf(Timestamp.parser()).decode(GARBAGE));

    assertTrue(e.getMessage().startsWith("cannot decode protobuf: "), e.getMessage());
    assertInstanceOf(InvalidProtocolBufferException.class, e.getCause());
  }

  @Test
  void shouldMapNullToNullWithoutCallingTheFormatWhenEncodingOrDecoding() {
    Format<String> refusesNull = failing("refuses-null");

    assertNull(Codec.encode(refusesNull, null), "a null value is a null payload (a tombstone)");
    assertNull(
        Codec.decode(refusesNull, null, "value of words-0@0"), "a null payload is a null value");
  }

  @Test
  void shouldDecodeNullKeyAndValueOfARecordAsNullWhenTheyAreAbsent() {
    Topic<Order, Order> topic =
        Topic.topic("orders", Formats.json(Order.class), Formats.json(Order.class));
    Message<byte[], byte[]> tombstone =
        new Message<>("orders", 2, 7, 42L, null, null, Headers.empty().with("h", "v"));

    Message<Object, Object> decoded = Codec.decode(topic, tombstone);

    assertNull(decoded.key());
    assertNull(decoded.value());
    assertEquals(
        new Message<>("orders", 2, 7, 42L, null, null, tombstone.headers()),
        decoded,
        "coordinates and headers kept");
  }

  @Test
  void shouldNameTheRecordAndTheFormatWhenAFormatFailsWithAnyRuntimeException() {
    Topic<String, String> topic = Topic.topic("words", Formats.string(), failing("picky"));
    Message<byte[], byte[]> raw =
        new Message<>("words", 3, 17, 0L, new byte[] {'k'}, new byte[] {'v'}, Headers.empty());

    FormatException e = assertThrows(FormatException.class, () -> Codec.decode(topic, raw));

    assertEquals("cannot decode value of words-3@17 with picky: no", e.getMessage());
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
  }

  @Test
  void shouldNameTheRecordWhenAFormatThrowsFormatException() {
    Topic<String, Order> topic = Topic.topic("orders", Formats.string(), Formats.json(Order.class));
    Message<byte[], byte[]> raw = new Message<>("orders", 0, 5, 0L, null, GARBAGE, Headers.empty());

    FormatException e = assertThrows(FormatException.class, () -> Codec.decode(topic, raw));

    assertTrue(
        e.getMessage().startsWith("cannot decode value of orders-0@5: cannot decode JSON as Order"),
        e.getMessage());
  }

  @Test
  void shouldWrapARuntimeExceptionOfAnEncoderInAFormatExceptionNamingTheFormat() {
    FormatException e =
        assertThrows(FormatException.class, () -> Codec.encode(failing("picky"), "value"));

    assertEquals("cannot encode with picky: no", e.getMessage());
  }

  /** A format that rejects every value and payload with an {@link IllegalArgumentException}. */
  private static Format<String> failing(String name) {
    return new Format<>() {
      @Override
      public byte[] encode(String value) {
        throw new IllegalArgumentException("no");
      }

      @Override
      public String decode(byte[] bytes) {
        throw new IllegalArgumentException("no");
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
