package dev.flows.runtime;

import static dev.flows.internal.Json.quote;

import dev.flows.internal.runtime.FlowState;

/**
 * A snapshot of one running flow's health.
 *
 * @param flow the flow name
 * @param running whether its polling thread runs
 * @param connected whether it reaches its brokers: its source and where it publishes (Kafka, and
 *     the task queue of flows that consume or publish tasks)
 * @param assigned whether it has partitions
 * @param healthy whether its last batch succeeded
 * @param lastLoopMillis when its polling thread last went round
 * @param failure why it stopped, or {@code null}
 * @param retrying the failure it is retrying, or {@code null}: a batch rewound and retried (a
 *     broker or database down or refusing it after it first reached it), a cron flow's claim, or a
 *     task flow that cannot subscribe to its queue; cleared by the next success
 */
public record FlowStatus(
    String flow,
    boolean running,
    boolean connected,
    boolean assigned,
    boolean healthy,
    long lastLoopMillis,
    String failure,
    String retrying) {

  /** The status as a JSON object, as {@code /health/*} serve it. */
  public String toJson() {
    return "{\"flow\":"
        + quote(flow)
        + ",\"running\":"
        + running
        + ",\"connected\":"
        + connected
        + ",\"assigned\":"
        + assigned
        + ",\"healthy\":"
        + healthy
        + ",\"lastLoopMillis\":"
        + lastLoopMillis
        + ",\"failure\":"
        + quoteOrNull(failure)
        + ",\"retrying\":"
        + quoteOrNull(retrying)
        + "}";
  }

  private static String quoteOrNull(String text) {
    return text == null ? "null" : quote(text);
  }

  static FlowStatus of(String flow, FlowState state) {
    Throwable failure = state.failure();
    Throwable retrying = state.retrying();
    return new FlowStatus(
        flow,
        state.isRunning(),
        state.isConnected(),
        state.isAssigned(),
        state.isHealthy(),
        state.lastLoopMillis(),
        failure == null ? null : failure.toString(),
        retrying == null ? null : retrying.toString());
  }
}
