package dev.flows.testkit;

import dev.flows.testkit.internal.ServicesExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test real services as parameters: {@link TestKafka}, {@link TestPostgres}, {@link
 * TestRabbitMq}. Each is started on first use and shared by the whole test JVM, found in this
 * order:
 *
 * <ol>
 *   <li>an environment variable: {@code FLOWS_TEST_KAFKA} (bootstrap servers), {@code
 *       FLOWS_TEST_POSTGRES} (JDBC URL, with {@code FLOWS_TEST_POSTGRES_USER} and {@code
 *       FLOWS_TEST_POSTGRES_PASSWORD}), {@code FLOWS_TEST_RABBITMQ} (AMQP URI);
 *   <li>for RabbitMQ, which has no faithful in-JVM form, a broker answering on {@code
 *       127.0.0.1:5672} ({@code make services} starts one);
 *   <li>a Testcontainers container, when a Docker engine answers;
 *   <li>embedded: a Kafka broker in this JVM, PostgreSQL from Maven jars.
 * </ol>
 *
 * Before each test that takes it, the RabbitMQ broker is checked to complete an AMQP handshake; a
 * wedged local test broker is killed and started again ({@link TestRabbitMq#requireAnswering()}).
 *
 * <p>A service that cannot be had fails the test with a message saying how to start it; no test is
 * skipped.
 *
 * <pre>{@code
 * @FlowsServices
 * class OrdersIT {
 *   @Test
 *   void shouldCountOrders(TestKafka kafka, TestPostgres postgres) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ServicesExtension.class)
public @interface FlowsServices {}
