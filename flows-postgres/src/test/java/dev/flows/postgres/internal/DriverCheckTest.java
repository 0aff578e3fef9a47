package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowDefinitionException;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

/**
 * A store or sink created where the PostgreSQL JDBC driver is missing: this module's test class
 * path without the driver's jar, as in a build that excluded it.
 */
class DriverCheckTest {
  private static final String MESSAGE =
      "flows-postgres needs the PostgreSQL JDBC driver org.postgresql:postgresql on the class"
          + " path, and org.postgresql.Driver is not there: add the dependency"
          + " org.postgresql:postgresql to your build, or remove the exclusion that drops it";

  @Test
  void shouldThrowFlowDefinitionExceptionNamingTheDriverWhenAStoreIsCreatedWithoutIt()
      throws Throwable {
    try (URLClassLoader withoutDriver = classPathWithoutDriver()) {
      MethodHandle create = create(withoutDriver, PostgresStateStore.class);

      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () -> create.invoke("jdbc:postgresql://127.0.0.1:1/flows", "flows", "secret"));

      assertEquals(FlowDefinitionException.class.getName(), e.getClass().getName());
      assertEquals(MESSAGE, e.getMessage());
      assertInstanceOf(ClassNotFoundException.class, e.getCause());
    }
  }

  @Test
  void shouldThrowFlowDefinitionExceptionNamingTheDriverWhenASinkIsCreatedWithoutIt()
      throws Throwable {
    try (URLClassLoader withoutDriver = classPathWithoutDriver()) {
      MethodHandle create = create(withoutDriver, PostgresTableSink.class);

      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () -> create.invoke("jdbc:postgresql://127.0.0.1:1/flows", "flows", "secret"));

      assertEquals(MESSAGE, e.getMessage());
    }
  }

  @Test
  void shouldThrowBeforeUsingTheDataSourceWhenACallersPoolIsGivenWithoutTheDriver()
      throws Throwable {
    DataSource untouched =
        (DataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  throw new AssertionError("the data source was used: " + method);
                });
    try (URLClassLoader withoutDriver = classPathWithoutDriver()) {
      Class<?> store = Class.forName(PostgresStateStore.class.getName(), true, withoutDriver);
      MethodHandle create =
          MethodHandles.publicLookup()
              .findStatic(store, "create", MethodType.methodType(store, DataSource.class));

      RuntimeException e = assertThrows(RuntimeException.class, () -> create.invoke(untouched));

      assertEquals(FlowDefinitionException.class.getName(), e.getClass().getName());
      assertEquals(MESSAGE, e.getMessage());
    }
  }

  @Test
  void shouldPassWhenTheDriverIsOnTheClassPath() {
    Databases.requireDriver(Pool.class.getClassLoader());
  }

  /** {@code create(String, String, String)} of {@code type} as loaded by {@code loader}. */
  private static MethodHandle create(ClassLoader loader, Class<?> type)
      throws ReflectiveOperationException {
    Class<?> loaded = Class.forName(type.getName(), true, loader);
    return MethodHandles.publicLookup()
        .findStatic(
            loaded,
            "create",
            MethodType.methodType(loaded, String.class, String.class, String.class));
  }

  /** This test's class path less the jar of {@link Driver}, over the JDK's platform classes. */
  private static URLClassLoader classPathWithoutDriver() throws Exception {
    String driverJar =
        new File(Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getPath();
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!new File(entry).getPath().equals(driverJar)) {
        urls.add(url(entry));
      }
    }
    assertTrue(urls.size() > 5, "expected the test class path, got " + urls);
    assertFalse(urls.contains(url(driverJar)), "the driver jar is left out");
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  private static URL url(String path) throws MalformedURLException {
    return new File(path).toURI().toURL();
  }
}
