package dev.flows.rabbitmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.flows.Headers;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.TaskHandler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class AttemptRunnerTest {
  private static final IncomingTask TASK =
      new IncomingTask("resize", new byte[] {1}, Headers.empty(), 1);

  @Test
  void shouldSucceedWhenTheHandlerReturnsInTime() {
    assertEquals(new AttemptOutcome.Succeeded(), run(task -> {}, Duration.ofSeconds(30)));
  }

  @Test
  void shouldFailWithTheHandlersExceptionWhenItThrows() {
    IllegalStateException boom = new IllegalStateException("boom");
    AttemptOutcome outcome =
        run(
            task -> {
              throw boom;
            },
            Duration.ofSeconds(30));
    assertSame(boom, assertInstanceOf(AttemptOutcome.Failed.class, outcome).cause());
  }

  @Test
  void shouldInterruptAndFailWithATimeoutWhenTheAttemptOutlivesIt() {
    AttemptOutcome outcome =
        run(task -> new CountDownLatch(1).await(30, TimeUnit.SECONDS), Duration.ofMillis(20));
    Exception cause = assertInstanceOf(AttemptOutcome.Failed.class, outcome).cause();
    assertInstanceOf(TimeoutException.class, cause);
    assertEquals("task ran longer than its timeout of 20 ms", cause.getMessage());
    assertFalse(Thread.currentThread().isInterrupted(), "the interrupt is cleared");
  }

  @Test
  void shouldFailWithATimeoutWhenTheHandlerSwallowsTheInterruptAndReturns() {
    AttemptOutcome outcome =
        run(
            task -> {
              try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
              } catch (InterruptedException swallowed) {
                // returns as if it had succeeded
              }
            },
            Duration.ofMillis(20));
    Exception cause = assertInstanceOf(AttemptOutcome.Failed.class, outcome).cause();
    assertInstanceOf(TimeoutException.class, cause);
  }

  @Test
  void shouldLookEveryTwentiethOfTheTimeoutBetweenOneAndAHundredMillis() {
    assertEquals(Duration.ofMillis(100), AttemptRunner.tick(Duration.ofSeconds(30)));
    assertEquals(Duration.ofMillis(50), AttemptRunner.tick(Duration.ofSeconds(1)));
    assertEquals(Duration.ofMillis(1), AttemptRunner.tick(Duration.ofMillis(5)));
  }

  @Test
  void shouldNotInterruptAttemptsThatFinishedWhenManyRunInTurn() throws Exception {
    try (AttemptRunner runner = new AttemptRunner(task -> {}, Duration.ofMillis(20), Thread::new)) {
      for (int i = 0; i < 10_000; i++) {
        assertEquals(new AttemptOutcome.Succeeded(), runner.run(TASK));
        assertFalse(Thread.currentThread().isInterrupted(), "attempt " + i + " left an interrupt");
      }
    }
  }

  private static AttemptOutcome run(TaskHandler handler, Duration timeout) {
    try (AttemptRunner runner = new AttemptRunner(handler, timeout, Thread::new)) {
      return runner.run(TASK);
    }
  }
}
