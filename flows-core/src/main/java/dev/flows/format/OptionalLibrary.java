package dev.flows.format;

import dev.flows.FlowDefinitionException;

/**
 * The libraries that formats need and flows-core declares optional, so that a service that uses
 * neither JSON nor protobuf does not carry them. A format asks for its library when it is created,
 * that is when the flow is defined: without it the service fails at start with a message naming the
 * Maven artifact to add, instead of a {@link NoClassDefFoundError} from deep inside a format.
 */
enum OptionalLibrary {
  JACKSON(
      "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core:jackson-databind"),
  PROTOBUF("com.google.protobuf.MessageLite", "com.google.protobuf:protobuf-java");

  private final String className;
  private final String artifact;

  OptionalLibrary(String className, String artifact) {
    this.className = className;
    this.artifact = artifact;
  }

  /** The Maven coordinates to add, {@code groupId:artifactId}. */
  String artifact() {
    return artifact;
  }

  /**
   * Checks that flows-core's own class loader, the one its formats link against, has the library.
   */
  void require(String use) {
    require(use, OptionalLibrary.class.getClassLoader());
  }

  /**
   * Checks that {@code loader} can load the library; otherwise throws a {@link
   * FlowDefinitionException} naming {@code use}, the missing class and the artifact.
   */
  void require(String use, ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      FlowDefinitionException missing =
          new FlowDefinitionException(
              use
                  + " needs "
                  + artifact
                  + " on the class path, and "
                  + className
                  + " is not there: add the dependency "
                  + artifact
                  + " to your build (flows-core declares it optional)");
      missing.initCause(e);
      throw missing;
    }
  }
}
