package dev.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE rule 17 for README.md and docs/: the checkable parts of the docs say what the code has.
 * Every type (and {@code Type.member}) they name in code spans exists in the sources, every link
 * within the repository points at a committed file (never at build output) and heading, every
 * {@code make} target exists, every {@code FLOWS_*} variable is read by the code, every {@code
 * flows.*} name appears in it, and no design document outside the repository is cited.
 */
class DocsTest {
  /**
   * Names the docs use that are not Flows types: products, JDK and client classes, JVM flags, and
   * the name suffix of the long fault tests ({@code *ChaosIT}).
   */
  static final Set<String> NOT_OURS =
      Set.of(
          "PostgreSQL",
          "RabbitMQ",
          "HikariCP",
          "HttpServer",
          "KafkaConsumer",
          "KafkaClientSupplier",
          "Error",
          "Exception",
          "ConnectException",
          "Idempotency", // the Idempotency-Key HTTP header
          "VmHWM",
          "RuntimeMXBean",
          "ConfigException",
          "UnreleasedInstanceIdException",
          "ChaosIT",
          // Micrometer's JVM and process binders (docs/metrics.md)
          "JvmMemoryMetrics",
          "JvmGcMetrics",
          "JvmThreadMetrics",
          "ClassLoaderMetrics",
          "ProcessorMetrics",
          "UptimeMetrics",
          "FileDescriptorMetrics",
          // OpenTelemetry's API and SDK (docs/operations.md#tracing)
          "OpenTelemetry",
          "GlobalOpenTelemetry",
          "ContextPropagators",
          "W3CTraceContextPropagator");

  private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`\n]+)`");
  private static final Pattern TYPE_REF =
      Pattern.compile("(?<![\\w\\-:+$])([A-Z][a-z]\\w*)(?:\\.([A-Za-z_]\\w*))?");
  private static final Pattern CAMEL_CASE =
      Pattern.compile("(?<![\\w\\-:+$.])[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\\b");
  private static final Pattern FILE_NAME =
      Pattern.compile("[\\w.-]+\\.(java|md|yml|xml|json|png|svg|sh|tar)\\b");
  private static final Pattern DECLARATION =
      Pattern.compile("\\b(?:class|interface|record|enum|@interface)\\s+([A-Z]\\w*)");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#+\\s+(.+)$");
  private static final Pattern MAKE = Pattern.compile("\\bmake ([a-z][\\w-]*)");
  private static final Pattern TARGET = Pattern.compile("(?m)^([a-z][\\w-]*):");
  private static final Pattern VARIABLE = Pattern.compile("\\bFLOWS_[A-Z0-9_]+");
  private static final Pattern DESIGN_CITATION = Pattern.compile("DESIGN(?:\\.md| §\\s*\\d+)");
  private static final Pattern DOTTED_NAME = Pattern.compile("`(flows\\.[a-z][\\w.]*[a-z])`");

  @Test
  void shouldNameOnlyTypesAndMembersOfTheSourcesWhenTheDocsNameCode() {
    Map<String, List<String>> types = declaredTypes();
    List<String> unknown = new ArrayList<>();
    for (Path doc : docs()) {
      String text = read(doc);
      for (String span : codeSpans(text)) {
        unknown.addAll(unknownReferences(doc, FILE_NAME.matcher(span).replaceAll(""), types));
      }
      if (doc.endsWith("architecture.md")) { // its module map is a code block of type names
        Matcher m = CAMEL_CASE.matcher(text);
        while (m.find()) {
          if (!types.containsKey(m.group()) && !NOT_OURS.contains(m.group())) {
            unknown.add(name(doc) + ": " + m.group());
          }
        }
      }
    }

    assertEquals(
        List.of(), unknown.stream().distinct().toList(), "the docs name code not in the sources");
  }

  @Test
  void shouldFindUnknownTypesAndMembersWhenASpanNamesThem() {
    Map<String, List<String>> types =
        Map.of(
            "PollLoop", List.of("void loopOnce() {} static final int MAX = 1;"),
            "Builder", List.of("class Builder {}"));
    Path doc = Path.of("docs", "x.md");

    assertEquals(
        List.of(
            "docs/x.md: PollLoop.runOnce",
            "docs/x.md: PollLoop.MIN",
            "docs/x.md: PollLoop.Runner",
            "docs/x.md: PullLoop"),
        Stream.of(
                "PollLoop.loopOnce()",
                "PollLoop.MAX PollLoop.Builder",
                "PollLoop.runOnce() PollLoop.MIN PollLoop.Runner",
                "PullLoop")
            .flatMap(span -> unknownReferences(doc, span, types).stream())
            .toList());
    assertEquals(List.of(), unknownReferences(doc, "-XX:MaxRAMPercentage=75 -Xmx1g", types));
  }

  @Test
  void shouldLinkOnlyCommittedFilesAndHeadingsWhenTheDocsLinkWithinTheRepository() {
    List<String> broken = new ArrayList<>();
    for (Path doc : docs()) {
      Matcher m = LINK.matcher(read(doc));
      while (m.find()) {
        String link = m.group(1);
        if (!link.matches("[a-z]+:.*")) {
          brokenLink(doc, link).ifPresent(broken::add);
        }
      }
    }

    assertEquals(List.of(), broken, "links into the repository must point at committed files");
  }

  @Test
  void shouldNameOnlyMakefileTargetsWhenTheDocsSayMake() {
    Set<String> targets = matches(TARGET, read(root().resolve("Makefile")));
    List<String> unknown = new ArrayList<>();
    for (Path doc : docs()) {
      String text = read(doc);
      List<String> code = new ArrayList<>(codeSpans(text));
      code.addAll(matches(FENCE, text, 0));
      for (String span : code) {
        matches(MAKE, span).stream()
            .filter(t -> !targets.contains(t))
            .forEach(t -> unknown.add(name(doc) + ": make " + t));
      }
    }

    assertTrue(targets.containsAll(Set.of("run", "test", "bench", "docs")), targets.toString());
    assertEquals(List.of(), unknown, "the Makefile has no such target");
  }

  @Test
  void shouldNameOnlyVariablesAndNamesTheCodeUsesWhenTheDocsNameThem() {
    String code = sourcesAndBuildFiles();
    List<String> unknown = new ArrayList<>();
    for (Path doc : docs()) {
      String text = read(doc);
      for (String variable : matches(VARIABLE, text)) {
        // FLOWS_KAFKA_<PROPERTY> passes any client property through; FLOWS_TEST_* is a family
        if (!variable.startsWith("FLOWS_KAFKA_")
            && !variable.endsWith("_")
            && !code.contains('"' + variable + '"')) {
          unknown.add(name(doc) + ": " + variable);
        }
      }
      matches(DOTTED_NAME, text).stream()
          .filter(dotted -> !code.contains(dotted))
          .forEach(dotted -> unknown.add(name(doc) + ": " + dotted));
    }

    assertEquals(List.of(), unknown, "the docs name variables or names the code does not use");
  }

  @Test
  void shouldCiteNoDesignDocumentWhenTheDocsExplainWhy() {
    List<String> citations = new ArrayList<>();
    for (Path doc : docs()) {
      matches(DESIGN_CITATION, read(doc)).forEach(c -> citations.add(name(doc) + ": " + c));
    }

    assertEquals(
        List.of(),
        citations,
        "the design document is not in the repository: say what it meant in the doc's own words");
  }

  /** References in one code span to types not declared, or to members their sources lack. */
  static List<String> unknownReferences(Path doc, String span, Map<String, List<String>> types) {
    List<String> unknown = new ArrayList<>();
    Matcher m = TYPE_REF.matcher(span);
    while (m.find()) {
      String type = m.group(1);
      String member = m.group(2);
      if (NOT_OURS.contains(type)) {
        continue;
      }
      List<String> sources = types.get(type);
      if (sources == null) {
        unknown.add(name(doc) + ": " + type);
      } else if (member != null && !hasMember(sources, member, types)) {
        unknown.add(name(doc) + ": " + type + "." + member);
      }
    }
    return unknown;
  }

  /** A nested type ({@code Builder}) is declared; a method or constant is in the type's source. */
  private static boolean hasMember(
      List<String> sources, String member, Map<String, List<String>> types) {
    if (!member.equals(member.toUpperCase(Locale.ROOT))
        && Character.isUpperCase(member.charAt(0))) {
      return types.containsKey(member);
    }
    Pattern word = Pattern.compile("\\b" + Pattern.quote(member) + "\\b");
    return sources.stream().anyMatch(source -> word.matcher(source).find());
  }

  private static java.util.Optional<String> brokenLink(Path doc, String link) {
    String[] parts = link.split("#", 2);
    Path target =
        parts[0].isEmpty() ? doc : doc.getParent().resolve(parts[0]).normalize().toAbsolutePath();
    String shown = name(doc) + ": " + link;
    boolean buildOutput = false;
    for (Path part : root().relativize(target)) {
      buildOutput |= part.toString().equals("target");
    }
    if (!Files.exists(target) || buildOutput) {
      return java.util.Optional.of(shown + " (no such committed file)");
    }
    if (parts.length == 2 && !anchors(target).contains(parts[1])) {
      return java.util.Optional.of(shown + " (no such heading)");
    }
    return java.util.Optional.empty();
  }

  /** GitHub's anchors of a Markdown file's headings. */
  static Set<String> anchors(Path markdown) {
    return matches(HEADING, read(markdown)).stream()
        .map(h -> h.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
        .collect(Collectors.toSet());
  }

  /** Every type declared in any module's sources and tests, by simple name, with its sources. */
  private static Map<String, List<String>> declaredTypes() {
    Map<String, List<String>> types = new HashMap<>();
    for (Path file : javaFiles()) {
      String source = JavaSources.read(file);
      String fileName = file.getFileName().toString();
      Set<String> names = new HashSet<>(matches(DECLARATION, source));
      names.add(fileName.substring(0, fileName.length() - ".java".length()));
      names.forEach(n -> types.computeIfAbsent(n, k -> new ArrayList<>()).add(source));
    }
    assertTrue(types.containsKey("FlowRuntime") && types.containsKey("PostgresStateStore"));
    return types;
  }

  private static List<Path> javaFiles() {
    return ArchitectureTest.modules(root()).values().stream()
        .flatMap(main -> Stream.of(main, main.resolveSibling("../test/java").normalize()))
        .filter(Files::isDirectory)
        .flatMap(dir -> JavaSources.javaFiles(dir).stream())
        .toList();
  }

  /** The Java sources, poms, Makefile, scripts and compose file, as one text. */
  private static String sourcesAndBuildFiles() {
    List<Path> files = new ArrayList<>(javaFiles());
    files.add(root().resolve("Makefile"));
    files.add(root().resolve("docker-compose.yml"));
    try (Stream<Path> walk = Files.walk(root(), 2)) {
      walk.filter(p -> p.getFileName().toString().matches("pom\\.xml|.*\\.sh")).forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files.stream().map(JavaSources::read).collect(Collectors.joining("\n"));
  }

  private static List<Path> docs() {
    try (Stream<Path> files = Files.list(root().resolve("docs"))) {
      List<Path> docs =
          Stream.concat(
                  Stream.of(root().resolve("README.md")),
                  files.filter(f -> f.toString().endsWith(".md")).sorted())
              .toList();
      assertTrue(docs.size() > 3, "expected README.md and docs/*.md under " + root());
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> codeSpans(String markdown) {
    return matches(CODE_SPAN, FENCE.matcher(markdown).replaceAll(""), 1);
  }

  private static Set<String> matches(Pattern pattern, String text) {
    return new HashSet<>(matches(pattern, text, pattern.matcher("").groupCount() > 0 ? 1 : 0));
  }

  private static List<String> matches(Pattern pattern, String text, int group) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  private static String name(Path doc) {
    return (doc.isAbsolute() ? root().relativize(doc) : doc).toString().replace('\\', '/');
  }

  private static String read(Path file) {
    return JavaSources.read(file);
  }

  private static Path root() {
    return ArchitectureTest.projectRoot().toAbsolutePath().normalize();
  }
}
