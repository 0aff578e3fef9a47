package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flows.Flow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps what README.md, docs/ and docker-compose.yml say about the examples equal to the examples:
 * README's Java is quoted from them, the HTTP adapter's route, and the flow each compose step runs.
 */
class ExamplesDocTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern POST = Pattern.compile("POST (/[\\w/-]*)");
  private static final Pattern INSTANCE = Pattern.compile("FLOWS_INSTANCE: ([\\w-]+)");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\n(.*?)```");
  private static final Pattern STATEMENT_END = Pattern.compile("[;{}]");

  @Test
  void shouldNameTheAdaptersRouteWhenTheDocsShowAPost() throws IOException {
    List<String> routes = new ArrayList<>();
    for (Path doc : docs()) {
      Matcher m = POST.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        routes.add(ROOT.relativize(doc) + ": POST " + m.group(1));
      }
    }

    assertFalse(routes.isEmpty(), "expected docs/operations.md to show the adapter's route");
    assertEquals(
        List.of(),
        routes.stream().filter(r -> !r.endsWith("POST " + WordAdapter.PATH)).toList(),
        "the example adapter serves POST " + WordAdapter.PATH);
  }

  @Test
  void shouldRunEveryExampleFlowOnceWhenComposeStartsTheSteps() throws IOException {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8);
    List<String> instances = new ArrayList<>();
    Matcher m = INSTANCE.matcher(compose);
    while (m.find()) {
      instances.add(m.group(1));
    }

    assertEquals(
        Examples.all().stream().map(Flow::name).collect(Collectors.toCollection(TreeSet::new)),
        new TreeSet<>(instances),
        "docker-compose.yml runs one step per example flow");
    assertEquals(Set.copyOf(instances).size(), instances.size(), "a flow runs in one step only");
  }

  @Test
  void shouldQuoteTheExamplesWhenTheReadmeShowsJava() throws IOException {
    String examples = withoutCommentsAndSpace(examplesSources());
    List<String> notQuoted = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
    while (block.find()) {
      for (String statement : STATEMENT_END.split(withoutCommentsAndSpace(block.group(1)))) {
        if (!statement.isEmpty() && !examples.contains(statement)) {
          notQuoted.add(statement);
        }
      }
    }

    assertEquals(
        List.of(),
        notQuoted,
        "README's Java is quoted from flows-examples (comments and spacing aside)");
  }

  /** Java without comments and whitespace, for comparing code as text. */
  static String withoutCommentsAndSpace(String java) {
    return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "").replaceAll("\\s+", "");
  }

  private static String examplesSources() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src"))) {
      StringBuilder all = new StringBuilder();
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
      }
      return all.toString();
    }
  }

  private static List<Path> docs() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      return Stream.concat(
              Stream.of(ROOT.resolve("README.md")),
              files.filter(f -> f.toString().endsWith(".md")).sorted())
          .toList();
    }
  }
}
