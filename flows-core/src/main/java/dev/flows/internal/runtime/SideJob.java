package dev.flows.internal.runtime;

import dev.flows.Flow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.concurrent.ThreadFactory;

/**
 * Background work a flow runs beside its loop, on a thread of its own, from the loop's start until
 * it ended (the purges of a materialised table's deleted markers and of expired state rows). It
 * never holds up the loop.
 */
interface SideJob {
  /** No work. */
  SideJob NONE =
      new SideJob() {
        @Override
        public void start(ThreadFactory threads) {}

        @Override
        public void stop() {}
      };

  /** The last part of its thread's name, e.g. {@code purge}. */
  default String role() {
    return "side";
  }

  /** Starts the work on a thread of {@code threads}. */
  void start(ThreadFactory threads);

  /** Stops it, waiting boundedly for work in progress to end. */
  void stop();

  /**
   * Registers it with the in-memory test driver, which runs it when the test says (the purge of
   * expired state rows, when the test moves the clock on); by default it does not run there.
   */
  default void attach(Flow flow, TestBench bench) {}

  /** {@code loop}, with this job running beside it on a thread of {@code threads}. */
  default FlowLoop beside(FlowLoop loop, ThreadFactory threads) {
    if (this == NONE) {
      return loop;
    }
    SideJob job = this;
    return new FlowLoop() {
      @Override
      public void run() {
        job.start(threads);
        try {
          loop.run();
        } finally {
          job.stop();
        }
      }

      @Override
      public void stop() {
        loop.stop();
      }

      @Override
      public void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        loop.bindMetrics(registry, tags);
      }
    };
  }
}
