package dev.flows.internal.runtime;

import dev.flows.spi.Sink;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * Runs batches off the polling thread, reporting time and failures.
 *
 * @param worker the thread batches run on
 * @param handler what a batch does
 * @param metrics where batch times and failures go
 * @param drainTimeout how long a stop or a revoke waits for the running batch
 * @param lanes the key lanes, shut down with the loop
 * @param outputs where the batches publish (Kafka, and the task queue of {@code toQueue} flows):
 *     the flow is connected only while they are
 */
public record BatchRunner(
    ExecutorService worker,
    BatchHandler handler,
    FlowMetrics metrics,
    Duration drainTimeout,
    KeyLanes lanes,
    Sink outputs) {}
