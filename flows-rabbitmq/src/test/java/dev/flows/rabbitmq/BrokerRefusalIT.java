package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.FlowsException;
import dev.flows.TaskOptions;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowStatus;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestRabbitMq;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A broker's refusal that retrying cannot fix (unknown virtual host, bad credentials, unknown host)
 * reaches the user: the error names the cause and the fix, and a task flow refused on its first
 * connection stops with it instead of retrying forever.
 */
@FlowsServices
class BrokerRefusalIT {

  @Test
  void shouldNameTheEmptyVirtualHostAndTheFixWhenTheUriEndsInASlash(TestRabbitMq rabbit) {
    String message = refusal(uri(rabbit, "guest:guest", rabbit.uri().getHost(), "/"));
    assertContains(message, "refused virtual host ''");
    assertContains(message, "'/' is written %2F");
    assertContains(message, "/%2F or amqp://" + hostPort(rabbit) + " for the default vhost");
  }

  @Test
  void shouldNameTheUnknownVirtualHostAndTheFixWhenTheBrokerHasNone(TestRabbitMq rabbit) {
    String message = refusal(uri(rabbit, "guest:guest", rabbit.uri().getHost(), "/no-such-vhost"));
    assertContains(message, "refused virtual host 'no-such-vhost'");
    assertContains(message, "vhost no-such-vhost not found");
    assertContains(message, "rabbitmqctl add_vhost no-such-vhost");
  }

  @Test
  void shouldNameTheUserAndTheFixWhenThePasswordIsWrong(TestRabbitMq rabbit) {
    String message = refusal(uri(rabbit, "guest:wrong", rabbit.uri().getHost(), "/%2F"));
    assertContains(message, "refused the login of user 'guest'");
    assertContains(message, "ACCESS_REFUSED");
    assertContains(message, "the user and password in the URI");
    assertFalse(message.contains("wrong"), "the password is not shown: " + message);
  }

  @Test
  void shouldNameTheHostAndTheFixWhenItIsUnknown(TestRabbitMq rabbit) {
    String message = refusal(uri(rabbit, "guest:guest", "no-such-host.invalid", "/%2F"));
    assertContains(message, "unknown host 'no-such-host.invalid'");
    assertContains(message, "correct the host in the URI");
  }

  @Test
  void shouldStopTheTaskFlowWithTheCauseWhenTheFirstConnectionIsRefused(TestRabbitMq rabbit) {
    Flow flow = taskFlow("it-refused-tasks");
    try (RabbitTaskQueue tasks =
            RabbitTaskQueue.create(uri(rabbit, "guest:guest", rabbit.uri().getHost(), "/"));
        FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
      Awaits.until(
          Duration.ofSeconds(20),
          "the flow stopped with the refusal",
          () -> !runtime.status().get(0).running() && runtime.status().get(0).failure() != null);
      FlowStatus status = runtime.status().get(0);
      assertContains(status.failure(), "refused virtual host ''");
      assertContains(status.toJson(), "/%2F or amqp://" + hostPort(rabbit));
      assertFalse(runtime.isReady());
    }
  }

  @Test
  void shouldConsumeWhenTheUriIsGood(TestRabbitMq rabbit) {
    Flow flow = taskFlow("it-accepted-tasks");
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
      Awaits.until(Duration.ofSeconds(30), "the executor consuming", runtime::isReady);
      assertEquals(null, runtime.status().get(0).failure());
      assertTrue(tasks.isConnected());
    }
  }

  private static Flow taskFlow(String name) {
    return Flows.task(name, TaskOptions.defaults())
        .from(queue(Amqp.uniqueName("it-refusal"), string()))
        .run(task -> null);
  }

  private static String refusal(URI uri) {
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(uri)) {
      FlowsException e =
          assertThrows(
              FlowsException.class,
              () ->
                  tasks.consume(
                      "it-refusal",
                      Amqp.uniqueName("it-refusal"),
                      TaskOptions.defaults(),
                      Duration.ofSeconds(1),
                      task -> {}));
      assertFalse(e.getMessage().contains("null"), "names the cause: " + e.getMessage());
      return e.getMessage();
    }
  }

  private static URI uri(TestRabbitMq rabbit, String userInfo, String host, String path) {
    return URI.create("amqp://" + userInfo + "@" + host + ":" + rabbit.uri().getPort() + path);
  }

  private static String hostPort(TestRabbitMq rabbit) {
    return rabbit.uri().getHost() + ":" + rabbit.uri().getPort();
  }

  private static void assertContains(String text, String part) {
    assertTrue(text != null && text.contains(part), "'" + part + "' in: " + text);
  }
}
