package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import ${package}.Service.Count;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The flow on the in-memory test driver: no broker, no database, milliseconds. */
class ServiceTest {
  @Test
  void shouldPublishTheRunningCountOfEachKeyWhenEventsArrive() {
    try (FlowTestDriver driver = FlowTestDriver.of(Service.flow())) {
      driver.input(Service.EVENTS).pipe("apple", "first");
      driver.input(Service.EVENTS).pipe("pear", "second");
      driver.input(Service.EVENTS).pipe("apple", "third");

      assertEquals(
          List.of(new Count(1), new Count(1), new Count(2)),
          driver.output(Service.EVENT_COUNTS).readValues());
      assertEquals(Optional.of(new Count(2)), driver.state(Service.COUNT, "apple"));
    }
  }
}
