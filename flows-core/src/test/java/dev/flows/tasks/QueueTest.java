package dev.flows.tasks;

import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowDefinitionException;
import dev.flows.Queue;
import org.junit.jupiter.api.Test;

class QueueTest {

  @Test
  void shouldAcceptAmqpNamesWhenLegal() {
    assertEquals("orders.resize:v2_a-b", Queue.queue("orders.resize:v2_a-b", string()).name());
    assertEquals("jobs.dlq", Queue.queue("jobs", string()).deadLetterQueue());
  }

  @Test
  void shouldRejectNameWhenEmptyOrIllegalCharacters() {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> Queue.queue("has space", string()));
    assertEquals(
        "queue name is not a legal queue name, got 'has space': use 1 to 200 of [a-zA-Z0-9._:-]",
        e.getMessage());
    assertThrows(FlowDefinitionException.class, () -> Queue.queue("", string()));
    assertThrows(FlowDefinitionException.class, () -> Queue.queue(null, string()));
    assertThrows(FlowDefinitionException.class, () -> Queue.queue("x".repeat(201), string()));
  }

  @Test
  void shouldRejectNameWhenItUsesTheReservedAmqPrefix() {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> Queue.queue("amq.gen-1", string()));
    assertTrue(e.getMessage().contains("reserved prefix amq."), e.getMessage());
  }
}
