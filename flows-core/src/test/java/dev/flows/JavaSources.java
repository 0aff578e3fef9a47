package dev.flows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Java sources for the architecture tests: finds qualified names in code, ignoring comments
 * (a Javadoc mention is not a dependency) but keeping string literals ({@code Class.forName("...")}
 * is one).
 */
final class JavaSources {
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("(?<![\\w.])[a-z_][a-z0-9_]*(?:\\.[A-Za-z_$][\\w$]*)+(?:\\.\\*)?");
  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  private JavaSources() {}

  /** A qualified name found in code, with the file and line it is on. */
  record Reference(Path file, int line, String name) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + name;
    }
  }

  /** Every {@code .java} file under {@code root}, sorted. */
  static List<Path> javaFiles(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The package a source declares, or the empty string. */
  static String packageOf(String source) {
    Matcher m = PACKAGE.matcher(stripComments(source));
    return m.find() ? m.group(1) : "";
  }

  /**
   * Qualified names ({@code a.b.C}, {@code a.b.*}) in the code of {@code source}, outside comments.
   */
  static List<Reference> qualifiedNames(Path file, String source) {
    String code = stripComments(source);
    List<Reference> found = new ArrayList<>();
    Matcher m = QUALIFIED_NAME.matcher(code);
    while (m.find()) {
      found.add(new Reference(file, lineOf(code, m.start()), m.group()));
    }
    return found;
  }

  /** Whether {@code name} is {@code prefix} or lies inside it ({@code prefix.X}). */
  static boolean isIn(String name, String prefix) {
    return name.equals(prefix) || name.startsWith(prefix + ".");
  }

  /**
   * The source with comments replaced by spaces (newlines kept, so line numbers stay right);
   * string, text block and character literals are kept.
   */
  static String stripComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      char next = i + 1 < n ? source.charAt(i + 1) : '\0';
      if (c == '/' && next == '/') {
        while (i < n && source.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (c == '/' && next == '*') {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        blank(source, i, end, out);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = endOfLiteral(source, i);
        out.append(source, i, end);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static int endOfLiteral(String source, int start) {
    if (source.startsWith("\"\"\"", start)) {
      int end = source.indexOf("\"\"\"", start + 3);
      return end < 0 ? source.length() : end + 3;
    }
    char quote = source.charAt(start);
    int i = start + 1;
    while (i < source.length() && source.charAt(i) != quote && source.charAt(i) != '\n') {
      i += source.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(i + 1, source.length());
  }

  private static void blank(String source, int from, int to, StringBuilder out) {
    for (int i = from; i < to; i++) {
      out.append(source.charAt(i) == '\n' ? '\n' : ' ');
    }
  }

  private static int lineOf(String code, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (code.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
