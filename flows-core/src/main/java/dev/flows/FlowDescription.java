package dev.flows;

/**
 * A flow plan in words and as a Mermaid diagram, stable across runs so it can be kept in golden
 * files and docs.
 *
 * @param text one step a line
 * @param mermaid a {@code flowchart LR} diagram
 */
public record FlowDescription(String text, String mermaid) {
  @Override
  public String toString() {
    return text;
  }
}
