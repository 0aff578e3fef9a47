package dev.flows.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.FlowDefinitionException;
import dev.flows.internal.OptionalLibrary;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Formats without their optional libraries: flows-core's classes loaded by a class loader that has
 * nothing else (no Jackson, no protobuf-java), as in a service that did not add them.
 */
class OptionalLibraryTest {
  record Order(String id) {}

  @Test
  void shouldThrowFlowDefinitionExceptionNamingTheArtifactWhenJsonIsDefinedWithoutJackson()
      throws Throwable {
    try (URLClassLoader core = coreOnly()) {
      MethodHandle json = formats(core, "json", MethodType.methodType(format(core), Class.class));

      RuntimeException e = assertThrows(RuntimeException.class, () -> json.invoke(Order.class));

      assertEquals(FlowDefinitionException.class.getName(), e.getClass().getName());
      assertEquals(
          "Formats.json(Order) needs com.fasterxml.jackson.core:jackson-databind on the class"
              + " path, and com.fasterxml.jackson.databind.ObjectMapper is not there: add the"
              + " dependency com.fasterxml.jackson.core:jackson-databind to your build (flows-core"
              + " declares it optional)",
          e.getMessage());
      assertInstanceOf(ClassNotFoundException.class, e.getCause());
    }
  }

  @Test
  void shouldThrowFlowDefinitionExceptionNamingTheArtifactWhenProtobufIsMissing() throws Exception {
    try (URLClassLoader core = coreOnly()) {
      FlowDefinitionException e =
          assertThrows(
              FlowDefinitionException.class,
              () -> OptionalLibrary.PROTOBUF.require("Formats.protobuf", core));

      assertEquals(
          "Formats.protobuf needs com.google.protobuf:protobuf-java on the class path, and"
              + " com.google.protobuf.MessageLite is not there: add the dependency"
              + " com.google.protobuf:protobuf-java to your build (flows-core declares it"
              + " optional)",
          e.getMessage());
    }
  }

  @Test
  void shouldCreateTheOtherFormatsWhenNeitherOptionalLibraryIsThere() throws Throwable {
    try (URLClassLoader core = coreOnly()) {
      MethodHandle string = formats(core, "string", MethodType.methodType(format(core)));
      MethodHandle longs = formats(core, "longs", MethodType.methodType(format(core)));

      assertEquals("string", format(core).getMethod("name").invoke(string.invoke()));
      assertEquals("long", format(core).getMethod("name").invoke(longs.invoke()));
    }
  }

  @Test
  void shouldPassWhenTheLibrariesAreOnTheClassPath() {
    OptionalLibrary.JACKSON.require("Formats.json(Order)");
    OptionalLibrary.PROTOBUF.require("Formats.protobuf");

    assertEquals("json(Order)", Formats.json(Order.class).name());
  }

  /** flows-core's compiled classes alone, over the JDK. */
  private static URLClassLoader coreOnly() throws URISyntaxException {
    URL classes = Formats.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
  }

  private static Class<?> format(ClassLoader loader) throws ClassNotFoundException {
    return Class.forName(Format.class.getName(), false, loader);
  }

  /** One static method of {@link Formats} as loaded by {@code loader}, found by its exact type. */
  private static MethodHandle formats(ClassLoader loader, String name, MethodType type)
      throws ReflectiveOperationException {
    Class<?> formats = Class.forName(Formats.class.getName(), true, loader);
    return MethodHandles.publicLookup().findStatic(formats, name, type);
  }
}
