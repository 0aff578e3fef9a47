package dev.flows;

import static dev.flows.format.Formats.bytes;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicTest {
  record Order(String id) {}

  @ParameterizedTest
  @ValueSource(strings = {"a", "words", "word-counts", "shop.orders_v2", "UPPER.lower-9", "..."})
  void shouldAcceptTheNameWhenKafkaAllowsIt(String name) {
    assertEquals(name, Topic.topic(name).name());
  }

  @Test
  void shouldAcceptTheNameWhenItIsExactly249Characters() {
    String name = "t".repeat(249);

    assertEquals(name, Topic.topic(name).name());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {".", "..", "with space", "slash/topic", "colon:topic", "ümlaut", "tab\there"})
  void shouldRejectTheNameAndListTheLegalCharactersWhenKafkaDisallowsIt(String name) {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> Topic.topic(name, string(), string()));

    String shown = name == null ? "null" : "'" + name + "'";
    assertEquals(
        "topic name is not a legal topic name, got " + shown + ": use 1 to 249 of [a-zA-Z0-9._-]",
        e.getMessage());
  }

  @Test
  void shouldRejectTheNameWhenLongerThan249Characters() {
    String name = "t".repeat(250);

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> Topic.topic(name));

    assertEquals(
        "topic name is not a legal topic name, got '" + name + "': use 1 to 249 of [a-zA-Z0-9._-]",
        e.getMessage());
  }

  @Test
  void shouldRejectMissingFormatsWhenCreated() {
    NullPointerException key =
        assertThrows(NullPointerException.class, () -> Topic.topic("words", null, string()));
    NullPointerException value =
        assertThrows(NullPointerException.class, () -> Topic.topic("words", string(), null));

    assertEquals("keyFormat", key.getMessage());
    assertEquals("valueFormat", value.getMessage());
  }

  @Test
  void shouldUseBytesForKeyAndValueWhenNoFormatIsGiven() {
    Topic<byte[], byte[]> topic = Topic.topic("raw");

    assertSame(bytes(), topic.keyFormat());
    assertSame(bytes(), topic.valueFormat());
  }

  @Test
  void shouldPrintNameAndFormatsWhenDescribed() {
    assertEquals(
        "orders [string, json(Order)]",
        Topic.topic("orders", string(), json(Order.class)).toString());
    assertEquals("raw [bytes, bytes]", Topic.topic("raw").toString());
  }

  @Test
  void shouldValidateTheDeadLetterTopicWhenTheErrorPolicyNamesOne() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> ErrorPolicy.defaults().withDeadLetterTopic("dead letters"));

    assertEquals(
        "topic name is not a legal topic name, got 'dead letters': use 1 to 249 of [a-zA-Z0-9._-]",
        e.getMessage());
  }
}
