package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testing.FlowTestDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskExamplesTest {
  @Test
  void shouldRunEveryQueuedTaskAndReportItsResultWhenTheCronFires() {
    try (FlowTestDriver driver = FlowTestDriver.of(TaskExamples.all())) {
      driver.fire(TaskExamples.cron());
      driver.fire(TaskExamples.cron());

      List<String> done = driver.output(TaskExamples.DONE).readValues();

      assertEquals(2, done.size());
      assertTrue(
          done.stream().allMatch(r -> r.startsWith("report for ") && r.endsWith(" done")),
          done.toString());
    }
  }

  @Test
  void shouldReportTheResultWhenATaskIsQueuedByHand() {
    try (FlowTestDriver driver = FlowTestDriver.of(TaskExamples.executor())) {
      driver.queue(TaskExamples.TASKS).pipe("invoice 42");

      assertEquals(List.of("invoice 42 done"), driver.output(TaskExamples.DONE).readValues());
    }
  }
}
