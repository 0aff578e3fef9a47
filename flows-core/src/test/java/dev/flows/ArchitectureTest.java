package dev.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.JavaSources.Reference;
import dev.flows.internal.plan.Node;
import dev.flows.internal.runtime.Batch;
import dev.flows.internal.runtime.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rules of STYLE rule 7, as a plain JUnit test: flows-core uses no client library, no
 * public signature of flows-core names an internal type, and no module uses another module's {@code
 * internal} packages.
 */
class ArchitectureTest {
  /** Client libraries that belong in the connector modules, never in core. */
  static final List<String> FORBIDDEN_IN_CORE =
      List.of(
          "org.apache.kafka",
          "com.rabbitmq",
          "org.jdbi",
          "org.postgresql",
          "com.zaxxer",
          "java.sql.Driver",
          "java.sql.DriverManager");

  private static final Pattern SIMPLE_DRIVER = Pattern.compile("\\bDriver(Manager)?\\b");

  @Test
  void shouldReferenceNoClientLibraryWhenTheCoreSourcesAreScanned() {
    List<Path> files = JavaSources.javaFiles(coreSources());
    assertTrue(
        files.size() > 50,
        "expected the core sources under " + coreSources() + ", found " + files.size() + " files");

    List<String> violations = new ArrayList<>();
    for (Path file : files) {
      violations.addAll(forbiddenReferences(file, JavaSources.read(file)));
    }

    assertEquals(
        List.of(),
        violations,
        "flows-core must not depend on client libraries (STYLE rule 7):\n"
            + String.join("\n", violations));
  }

  @Test
  void shouldFindClientReferencesInCodeButNotInCommentsWhenScanning() {
    String source =
        """
        package dev.flows.x;
        import org.apache.kafka.clients.producer.KafkaProducer;
        import java.sql.*;
        /** Works like {@link org.jdbi.v3.core.Jdbi}, see com.rabbitmq.client docs. */
        class X { // org.postgresql.Driver in a comment
          Object pool = new com.zaxxer.hikari.HikariDataSource();
          Class<?> driver = Class.forName("org.postgresql.Driver");
          String text = "// not a comment";
          Driver d;
          org.apache.kafkaesque.Other notKafka;
        }
        """;

    List<String> found = forbiddenReferences(Path.of("X.java"), source);

    assertEquals(
        List.of(
            "X.java:2: org.apache.kafka.clients.producer.KafkaProducer",
            "X.java:6: com.zaxxer.hikari.HikariDataSource",
            "X.java:7: org.postgresql.Driver",
            "X.java:3: java.sql.* with Driver"),
        found);
  }

  @Test
  void shouldNameNoInternalTypeInAnyPublicSignatureWhenTheCoreApiIsInspected()
      throws ClassNotFoundException {
    Path classes = compiledClasses(Flow.class);
    List<String> names = PublicApi.classNames(classes);
    List<Class<?>> exposed = new ArrayList<>();
    for (String name : names) {
      if (!PublicApi.isInternal(packageOf(name))) {
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (PublicApi.isExposed(type)) {
          exposed.add(type);
        }
      }
    }
    assertTrue(
        exposed.contains(Flows.class) && exposed.size() > 40,
        "expected the public core API under " + classes + ": " + exposed);

    List<PublicApi.Leak> leaks =
        exposed.stream().flatMap(type -> PublicApi.leaksOf(type).stream()).toList();

    assertEquals(
        List.of(),
        leaks,
        "public signatures must not name internal types (STYLE rule 7); found "
            + leaks.size()
            + ":\n"
            + String.join("\n", leaks.stream().map(PublicApi.Leak::toString).toList()));
  }

  /** A public API that leaks on purpose, to prove the check finds every kind of leak. */
  public abstract static class Leaky<T extends Node> implements Comparable<Batch> {
    public Sleeper sleeper;

    protected Leaky(Map<String, ? super Batch> batches) {}

    public abstract List<Batch[]> batches();

    public abstract void accept(List<? extends Node> nodes);

    public abstract String fine(String text);
  }

  @Test
  void shouldFindInternalTypesInEveryKindOfSignatureWhenAClassLeaksThem() {
    List<String> leaks =
        PublicApi.leaksOf(Leaky.class).stream().map(PublicApi.Leak::toString).toList();
    String leaky = Leaky.class.getName();

    assertEquals(
        Set.of(
            leaky + " (type parameters) names " + Node.class.getName(),
            leaky + " implements names " + Batch.class.getName(),
            leaky + "(Map) names " + Batch.class.getName(),
            leaky + ".batches() names " + Batch.class.getName(),
            leaky + ".accept(List) names " + Node.class.getName(),
            leaky + ".sleeper names " + Sleeper.class.getName()),
        new HashSet<>(leaks),
        String.join("\n", leaks));
  }

  @Test
  void shouldUseNoOtherModulesInternalPackagesWhenEveryModuleIsScanned() {
    Map<String, Path> modules = modules(projectRoot());
    assertTrue(
        modules.containsKey("flows-core") && modules.size() >= 2,
        "expected the modules of " + projectRoot() + ": " + modules.keySet());

    Map<String, Map<Path, String>> sources = new LinkedHashMap<>();
    modules.forEach(
        (module, dir) -> {
          Map<Path, String> files = new LinkedHashMap<>();
          JavaSources.javaFiles(dir)
              .forEach(f -> files.put(projectRoot().relativize(f), JavaSources.read(f)));
          sources.put(module, files);
        });

    List<String> violations = foreignInternals(sources);

    assertEquals(
        List.of(),
        violations,
        "a module may only use its own internal packages (STYLE rule 7):\n"
            + String.join("\n", violations));
  }

  @Test
  void shouldFlagAnotherModulesInternalButNotItsOwnWhenCheckingReferences() {
    Map<String, Map<Path, String>> sources =
        Map.of(
            "flows-kafka",
            Map.of(
                Path.of("KafkaConnector.java"),
                    """
                package dev.flows.kafka;
                import dev.flows.kafka.internal.KafkaSink;
                import dev.flows.internal.runtime.Batch;
                import org.apache.kafka.common.header.internals.RecordHeader;
                // dev.flows.internal.plan.Node in a comment is fine
                class KafkaConnector { dev.flows.internal.plan.Codec codec; }
                """,
                Path.of("KafkaSink.java"),
                    "package dev.flows.kafka.internal;\nclass KafkaSink {}\n"));

    assertEquals(
        List.of(
            "flows-kafka: KafkaConnector.java:3: dev.flows.internal.runtime.Batch",
            "flows-kafka: KafkaConnector.java:6: dev.flows.internal.plan.Codec"),
        foreignInternals(sources));
  }

  /** References to a client library in one core source file. */
  static List<String> forbiddenReferences(Path file, String source) {
    List<String> found = new ArrayList<>();
    List<Reference> names = JavaSources.qualifiedNames(file, source);
    for (Reference ref : names) {
      if (FORBIDDEN_IN_CORE.stream().anyMatch(prefix -> JavaSources.isIn(ref.name(), prefix))) {
        found.add(ref.toString());
      }
    }
    names.stream()
        .filter(ref -> ref.name().equals("java.sql.*"))
        .filter(ref -> SIMPLE_DRIVER.matcher(JavaSources.stripComments(source)).find())
        .forEach(ref -> found.add(ref + " with Driver"));
    return found;
  }

  /**
   * References to {@code dev.flows...internal} packages that the referring module does not declare
   * itself. {@code sources} maps module name to its files and their text.
   */
  static List<String> foreignInternals(Map<String, Map<Path, String>> sources) {
    List<String> violations = new ArrayList<>();
    sources.forEach(
        (module, files) -> {
          Set<String> own = new HashSet<>();
          files
              .values()
              .forEach(text -> internalRoot(JavaSources.packageOf(text)).ifPresent(own::add));
          files.entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .forEach(
                  file -> {
                    for (Reference ref :
                        JavaSources.qualifiedNames(file.getKey(), file.getValue())) {
                      internalRoot(ref.name())
                          .filter(
                              root ->
                                  JavaSources.isIn(ref.name(), "dev.flows") && !own.contains(root))
                          .ifPresent(root -> violations.add(module + ": " + ref));
                    }
                  });
        });
    return violations;
  }

  /** {@code a.b.internal} for any name inside {@code a.b.internal}. */
  private static Optional<String> internalRoot(String name) {
    String[] segments = name.split("\\.");
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].equals("internal")) {
        return Optional.of(String.join(".", List.of(segments).subList(0, i + 1)));
      }
    }
    return Optional.empty();
  }

  /** The modules of the project: each directory with a {@code src/main/java}, by directory name. */
  static Map<String, Path> modules(Path root) {
    Map<String, Path> modules = new LinkedHashMap<>();
    try (Stream<Path> children = Files.list(root)) {
      children
          .sorted()
          .filter(dir -> Files.isDirectory(dir.resolve("src/main/java")))
          .forEach(dir -> modules.put(dir.getFileName().toString(), dir.resolve("src/main/java")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return modules;
  }

  /** The project root: Maven runs tests in the module directory, IDEs often in the root. */
  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
      if (Files.isDirectory(candidate.resolve("flows-core/src/main/java"))
          && Files.exists(candidate.resolve("pom.xml"))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "no project root (a directory holding flows-core/src/main/java) above " + dir);
  }

  private static Path coreSources() {
    return projectRoot().resolve("flows-core/src/main/java");
  }

  private static Path compiledClasses(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }
}
