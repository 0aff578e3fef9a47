package dev.flows.runtime;

import dev.flows.internal.runtime.FlowState;

/**
 * A snapshot of one running flow's health.
 *
 * @param flow the flow name
 * @param running whether its polling thread runs
 * @param assigned whether it has partitions
 * @param healthy whether its last batch succeeded
 * @param lastLoopMillis when its polling thread last went round
 * @param failure why it stopped, or {@code null}
 */
public record FlowStatus(
    String flow, boolean running, boolean assigned, boolean healthy, long lastLoopMillis, String failure) {

  static FlowStatus of(String flow, FlowState state) {
    Throwable failure = state.failure();
    return new FlowStatus(
        flow, state.isRunning(), state.isAssigned(), state.isHealthy(), state.lastLoopMillis(),
        failure == null ? null : failure.toString());
  }
}
