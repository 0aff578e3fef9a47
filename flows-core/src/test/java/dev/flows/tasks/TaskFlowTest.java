package dev.flows.tasks;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowKind;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskFlowTest {
  private static final Topic<String, String> ORDERS = topic("orders", string(), string());
  private static final Queue<String> RESIZE = queue("images.resize", string());
  private static final Topic<String, String> RESIZED = topic("images-resized", string(), string());

  @Test
  void shouldSendEveryValueToTheQueueWhenAFlowEndsInToQueue() {
    Flow bridge =
        Flows.stateless("shop-orders-enqueue")
            .from(ORDERS)
            .filter((k, v) -> !v.isEmpty())
            .mapValues(v -> "resize " + v)
            .toQueue(RESIZE);
    try (FlowTestDriver driver = FlowTestDriver.of(bridge)) {
      driver.input(ORDERS).pipe("k1", "a.png");
      driver.input(ORDERS).pipe("k2", "");
      driver.input(ORDERS).pipe("k3", "b.png");
      assertEquals(List.of("resize a.png", "resize b.png"), driver.output(RESIZE).readValues());
    }
  }

  @Test
  void shouldRunTasksAndPublishResultsWhenChainedBehindAQueue() {
    Flow bridge = Flows.stateless("shop-orders-enqueue").from(ORDERS).toQueue(RESIZE);
    Flow worker =
        Flows.task("shop-images-resize").from(RESIZE).run(path -> path.toUpperCase()).to(RESIZED);
    try (FlowTestDriver driver = FlowTestDriver.of(bridge, worker)) {
      driver.input(ORDERS).pipe("k", "a.png");
      driver.queue(RESIZE).pipe("b.png");
      assertEquals(List.of("A.PNG", "B.PNG"), driver.output(RESIZED).readValues());
    }
  }

  @Test
  void shouldDeadLetterWithReasonWhenEveryAttemptFails() {
    AtomicInteger attempts = new AtomicInteger();
    Flow worker =
        Flows.task("shop-images-resize", TaskOptions.defaults().withMaxAttempts(4))
            .from(RESIZE)
            .run(
                path -> {
                  attempts.incrementAndGet();
                  throw new IllegalArgumentException("corrupt " + path);
                });
    try (FlowTestDriver driver = FlowTestDriver.of(worker)) {
      driver.queue(RESIZE).pipe("bad.png");
      Queue<String> dlq = queue(RESIZE.deadLetterQueue(), string());
      List<Headers> reasons = driver.queue(dlq).readHeaders();
      assertEquals(4, attempts.get());
      assertEquals(1, reasons.size());
      assertEquals(
          "corrupt bad.png",
          reasons.get(0).lastString(DeadLetterHeaders.ERROR_MESSAGE).orElseThrow());
      assertEquals("4", reasons.get(0).lastString(DeadLetterHeaders.ATTEMPTS).orElseThrow());
      assertEquals(
          "shop-images-resize", reasons.get(0).lastString(DeadLetterHeaders.FLOW).orElseThrow());
    }
  }

  @Test
  void shouldProduceToTheQueueWhenACronFlowFires() {
    AtomicInteger n = new AtomicInteger();
    Flow cron =
        Flows.cron("shop-reports-nightly")
            .schedule("0 0 3 * * *")
            .produce(() -> "report-" + n.incrementAndGet())
            .toQueue(RESIZE);
    try (FlowTestDriver driver = FlowTestDriver.of(cron)) {
      driver.fire(cron);
      driver.fire(cron);
      assertEquals(List.of("report-1", "report-2"), driver.output(RESIZE).readValues());
    }
  }

  @Test
  void shouldDescribeNoDeadLettersWhenACronFlowSkipsAFailedFiring() {
    Flow cron =
        Flows.cron("shop-reports-nightly").schedule("0 0 3 * * *").produce(() -> "r").to(RESIZED);

    String text = cron.describe().text();
    assertTrue(text.contains("a failed firing is logged and skipped (no dead letters)"), text);
    assertFalse(text.contains("dead letters to"), text);
    assertFalse(cron.describe().mermaid().contains("dlq"), cron.describe().mermaid());
  }

  @Test
  void shouldDescribeQueuesWhenPlansUseThem() {
    Flow worker = Flows.task("shop-images-resize").from(RESIZE).run(p -> p).to(RESIZED);
    assertEquals(FlowKind.TASK, worker.kind());
    assertEquals(List.of(RESIZE), worker.inputQueues());
    assertEquals("images.resize.dlq", worker.deadLetterTopic());
    String text = worker.describe().text();
    assertTrue(text.contains("from queue images.resize [string]"), text);
    assertTrue(text.contains("to images-resized [string, string]"), text);
    Flow bridge = Flows.stateless("shop-orders-enqueue").from(ORDERS).toQueue(RESIZE);
    assertTrue(
        bridge.describe().text().contains("to queue images.resize [string]"),
        bridge.describe().text());
    assertTrue(
        bridge.describe().mermaid().contains("queue0[(\"images.resize\")]"),
        bridge.describe().mermaid());
  }

  @Test
  void shouldFailAtBuildTimeWhenTheRuntimeHasNoTaskQueue() {
    Flow worker = Flows.task("shop-images-resize").from(RESIZE).run(p -> p);
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> FlowRuntime.builder(worker).build());
    assertTrue(
        e.getMessage().startsWith("taskQueue is missing for flow shop-images-resize"),
        e.getMessage());
  }

  @Test
  void shouldFailAtBuildTimeWhenTheQueueIsNamedLikeTheDeadLetterTopic() {
    assertThrows(
        FlowDefinitionException.class,
        () ->
            Flows.stateless("shop-orders-enqueue")
                .from(ORDERS)
                .toQueue(queue("shop-orders-enqueue.dlq", string())));
  }
}
