package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.Delivery;
import java.util.Map;

/**
 * What becomes of a delivery once its attempt ended, as {@link RedeliveryPolicy} decides it; each
 * kind is carried out by its own method of {@link DeliverySettler}.
 */
sealed interface Settlement {

  /** Carries this settlement of {@code delivery} out through {@code settler}. */
  void carryOut(DeliverySettler settler, Delivery delivery);

  /** The task succeeded: acknowledge it. */
  record Ack() implements Settlement {
    @Override
    public void carryOut(DeliverySettler settler, Delivery delivery) {
      settler.ack(delivery);
    }
  }

  /**
   * The attempt failed and attempts remain: move the task to the delay queue of the next attempt.
   *
   * @param queue the delay queue
   * @param headers the task's headers there
   */
  record Retry(String queue, Map<String, Object> headers) implements Settlement {
    @Override
    public void carryOut(DeliverySettler settler, Delivery delivery) {
      settler.retry(delivery, this);
    }
  }

  /**
   * The task failed for good: move it to the dead-letter queue with the reason in its headers.
   *
   * @param queue the dead-letter queue
   * @param headers the task's headers there
   * @param attempts the attempts it had
   * @param reason why the last one failed
   */
  record DeadLetter(String queue, Map<String, Object> headers, int attempts, Exception reason)
      implements Settlement {
    @Override
    public void carryOut(DeliverySettler settler, Delivery delivery) {
      settler.deadLetter(delivery, this);
    }
  }
}
