package dev.flows.internal.trace;

import dev.flows.internal.OptionalLibrary;

/**
 * Chooses a runtime's tracing, once, when it is built: OpenTelemetry's through {@code
 * GlobalOpenTelemetry} when its API is on flows-core's class path, else {@link Untraced}. This
 * class names no OpenTelemetry type, so choosing loads none when the API is absent.
 */
public final class Tracings {
  private Tracings() {}

  /** Tracing through {@code GlobalOpenTelemetry} if its API is on the class path, else off. */
  public static Tracing global() {
    return OptionalLibrary.OPENTELEMETRY.isPresent() ? OtelTracing.global() : Untraced.INSTANCE;
  }

  /**
   * Checks that tracing can be on for {@code use} (per-record spans): throws a {@link
   * dev.flows.FlowDefinitionException} naming the artifact to add when the API is absent.
   */
  public static void require(String use) {
    OptionalLibrary.OPENTELEMETRY.require(use);
  }
}
