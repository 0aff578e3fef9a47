package dev.flows.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowDefinitionException;
import dev.flows.internal.cron.Schedule;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final Instant T = Instant.parse("2030-01-01T10:00:03.250Z");

  @Test
  void shouldFireOnEveryFifthSecondWhenCronHasSeconds() {
    Schedule s = Schedule.parse("0/5 * * * * *");
    assertEquals(Instant.parse("2030-01-01T10:00:05Z"), s.next(T));
    assertEquals(
        Instant.parse("2030-01-01T10:00:10Z"), s.next(Instant.parse("2030-01-01T10:00:05Z")));
  }

  @Test
  void shouldUseUtcWhenCronNamesAnHour() {
    assertEquals(Instant.parse("2030-01-02T03:00:00Z"), Schedule.parse("0 0 3 * * *").next(T));
    assertEquals(Instant.parse("2030-01-01T11:00:00Z"), Schedule.parse("@hourly").next(T));
  }

  @Test
  void shouldFireAtMultiplesOfThePeriodWhenEvery() {
    assertEquals(Instant.parse("2030-01-01T10:00:10Z"), Schedule.parse("@every 10s").next(T));
    assertEquals(Instant.parse("2030-01-01T10:00:03.500Z"), Schedule.parse("@every 500ms").next(T));
    assertEquals(Instant.parse("2030-01-01T10:02:00Z"), Schedule.parse("@every 2m").next(T));
  }

  @Test
  void shouldFailNamingTheScheduleWhenInvalid() {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> Schedule.parse("every minute"));
    assertTrue(
        e.getMessage().startsWith("schedule is not a valid cron expression"), e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "use six fields with seconds, e.g. \"0/5 * * * * *\", a macro such as \"@hourly\", or \"@every 10s\""));
    assertThrows(FlowDefinitionException.class, () -> Schedule.parse("@every 10 parsecs"));
    assertThrows(FlowDefinitionException.class, () -> Schedule.parse("@every 0s"));
    assertThrows(FlowDefinitionException.class, () -> Schedule.parse(" "));
  }
}
