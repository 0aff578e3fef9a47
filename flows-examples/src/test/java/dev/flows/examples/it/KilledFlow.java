package dev.flows.examples.it;

import dev.flows.Flow;

/**
 * A flow a kill test runs in {@link KillWorker}: a record with one constructor argument, the run
 * id, which names its topics and table so tests do not share them.
 */
interface KilledFlow {
  /** The run id. */
  String run();

  /** The flow. */
  Flow flow();
}
