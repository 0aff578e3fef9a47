package dev.flows.internal.runtime;

import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.TaskQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/**
 * What the runtime gives a flow's loop.
 *
 * @param connector opens the flow's source ({@code null} when no flow reads Kafka)
 * @param sink where the flow publishes (its topics, and its queues if it writes to any)
 * @param kafka the runtime's Kafka sink, {@code null} when no flow uses Kafka
 * @param taskQueue the task queue, {@code null} if there is none
 * @param clock the clock of batch waits and schedules
 * @param drainTimeout how long a stop waits for the running work
 * @param state where the loop reports its health
 * @param threads names the flow's threads: {@code threads.apply("batch")} for the batch worker
 */
public record LoopParts(
    Connector connector,
    Sink sink,
    Sink kafka,
    TaskQueue taskQueue,
    Clock clock,
    Duration drainTimeout,
    FlowState state,
    Function<String, ThreadFactory> threads) {}
