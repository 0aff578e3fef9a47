package dev.flows.internal.runtime;

import dev.flows.internal.admin.PostRoute;
import java.util.Optional;

/**
 * A plan made runnable, built by {@link FlowWiring}: what a flow kind runs on. The runtime runs it
 * in a loop of its own; the in-memory test driver drives it directly. Each kind's way of doing both
 * is a method here, so neither has to ask a plan for its kind.
 */
public sealed interface Engine permits BatchEngine, TaskEngine, CronEngine, HttpEngine {

  /** The loop that runs it in production. */
  FlowLoop loop(LoopParts parts);

  /**
   * The last part of its loop thread's name: {@code poll}, {@code task}, {@code cron}, {@code
   * http}.
   */
  String threadName();

  /** Registers it with the in-memory test driver. */
  void attach(TestBench bench);

  /** The database it uses, if any, and how many of its connections it holds at once. */
  default StoreUse storeUse() {
    return StoreUse.NONE;
  }

  /** The POST route it serves on the admin server: http flows only. */
  default Optional<PostRoute> route() {
    return Optional.empty();
  }
}
