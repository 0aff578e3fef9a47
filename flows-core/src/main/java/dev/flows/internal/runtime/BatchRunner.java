package dev.flows.internal.runtime;

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
 * @param delivery how the batches publish and commit; the flow is connected only while its sink is
 */
public record BatchRunner(
    ExecutorService worker,
    BatchHandler handler,
    FlowMetrics metrics,
    Duration drainTimeout,
    KeyLanes lanes,
    Delivery delivery) {}
