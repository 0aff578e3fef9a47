package dev.flows;

import java.util.Locale;

/**
 * What a flow promises about its outputs when a worker crashes, restarts or is fenced. Set per flow
 * with {@link FlowOptions#withGuarantee(Guarantee)}, or for every flow of a runtime that did not
 * choose with {@code FlowRuntime.Builder.guarantee} ({@code FLOWS_PROCESSING_GUARANTEE}).
 */
public enum Guarantee {
  /**
   * The runtime's choice: {@link #AT_LEAST_ONCE} unless the runtime says {@link #EXACTLY_ONCE}, in
   * which case every flow that can be exactly-once is, and the others stay at-least-once.
   */
  RUNTIME_DEFAULT,
  /**
   * Offsets are committed only after the outputs are acknowledged: nothing is lost, and a crash may
   * publish an output again (a stateful flow's state is still effectively-once).
   */
  AT_LEAST_ONCE,
  /**
   * The batch's outputs, dead letters and source offsets are committed in one Kafka transaction: a
   * {@code read_committed} reader sees each output exactly once, whatever crashes. For flows that
   * read and write Kafka only (stateless, stateful, collector, materialise, both steps of a join);
   * task, cron and http flows and flows writing to a task queue cannot be.
   */
  EXACTLY_ONCE;

  /**
   * How {@code describe()} and logs name it: {@code runtime-default}, {@code at-least-once}, {@code
   * exactly-once}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
