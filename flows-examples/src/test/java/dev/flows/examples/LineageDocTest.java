package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowDefinitionException;
import dev.flows.Lineage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the examples' lineage diagram in {@code docs/operations.md} equal to what {@link Lineage}
 * draws for {@link Examples#all()} ({@code make lineage} prints it). After changing an example or
 * the renderer, regenerate it with {@code make docs} ({@code -Dflows.docs.write=true}).
 */
class LineageDocTest {
  private static final Path DOC = Path.of("..", "docs", "operations.md");
  private static final Pattern BLOCK =
      Pattern.compile(
          "(?s)(<!-- lineage: begin [^\n]*-->\n```mermaid\n)(.*?)(```\n<!-- lineage: end -->)");

  @Test
  void shouldShowTheExamplesLineageWhenOperationsDrawsIt() throws IOException {
    String generated = Lineage.of(Examples.all()).toMermaid();
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Matcher block = BLOCK.matcher(doc);
    assertTrue(block.find(), "docs/operations.md has no lineage block between its markers");
    if (Boolean.getBoolean("flows.docs.write")) {
      doc = doc.substring(0, block.start(2)) + generated + doc.substring(block.end(2));
      Files.writeString(DOC, doc, StandardCharsets.UTF_8);
      block = BLOCK.matcher(doc);
      assertTrue(block.find());
    }

    assertEquals(
        generated,
        block.group(2),
        "docs/operations.md's lineage is out of date with the examples: run 'make docs'");
  }

  @Test
  void shouldPrintTheSameLineageWhenAdminIsAsked() {
    assertEquals(Lineage.of(Examples.all()).toMermaid(), Admin.lineage(List.of()));
    assertEquals(Lineage.of(Examples.all()).toJson(), Admin.lineage(List.of("--json")));
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> Admin.lineage(List.of("--xml")));
    assertEquals("lineage arguments are unknown, got '--xml': use none, or --json", e.getMessage());
  }
}
