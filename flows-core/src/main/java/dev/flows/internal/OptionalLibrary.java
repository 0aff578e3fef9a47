package dev.flows.internal;

import dev.flows.FlowDefinitionException;

/**
 * The libraries flows-core declares optional, so that a service that uses neither JSON, protobuf
 * nor tracing does not carry them. A format asks for its library when it is created, that is when
 * the flow is defined, and per-record spans when the runtime is built: without it the service fails
 * at start with a message naming the Maven artifact to add, instead of a {@link
 * NoClassDefFoundError} from deep inside.
 */
public enum OptionalLibrary {
  /** JSON formats. */
  JACKSON(
      "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core:jackson-databind"),
  /** Protobuf formats. */
  PROTOBUF("com.google.protobuf.MessageLite", "com.google.protobuf:protobuf-java"),
  /** Tracing: without it, tracing is off. */
  OPENTELEMETRY("io.opentelemetry.api.GlobalOpenTelemetry", "io.opentelemetry:opentelemetry-api");

  private final String className;
  private final String artifact;

  OptionalLibrary(String className, String artifact) {
    this.className = className;
    this.artifact = artifact;
  }

  /** The Maven coordinates to add, {@code groupId:artifactId}. */
  public String artifact() {
    return artifact;
  }

  /**
   * Checks that flows-core's own class loader, the one its formats link against, has the library.
   */
  public void require(String use) {
    require(use, OptionalLibrary.class.getClassLoader());
  }

  /** Whether flows-core's own class loader has the library. */
  public boolean isPresent() {
    return missingFrom(OptionalLibrary.class.getClassLoader()) == null;
  }

  /**
   * Checks that {@code loader} can load the library; otherwise throws a {@link
   * FlowDefinitionException} naming {@code use}, the missing class and the artifact.
   */
  public void require(String use, ClassLoader loader) {
    Throwable missing = missingFrom(loader);
    if (missing != null) {
      FlowDefinitionException e =
          new FlowDefinitionException(
              use
                  + " needs "
                  + artifact
                  + " on the class path, and "
                  + className
                  + " is not there: add the dependency "
                  + artifact
                  + " to your build (flows-core declares it optional)");
      e.initCause(missing);
      throw e;
    }
  }

  /** Why {@code loader} cannot load the library, or {@code null} if it can. */
  private Throwable missingFrom(ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return e;
    }
  }
}
