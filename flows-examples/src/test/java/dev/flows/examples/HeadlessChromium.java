package dev.flows.examples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, for tests of pages: the DOM of a page after its scripts ran. Each
 * run has a fresh profile and no network of its own (no sync, updates, QUIC or background
 * requests), so the page gets only what it loads itself. Missing chromium fails the test, saying
 * how to install it: {@code make services} does ({@code scripts/ensure-chromium.sh}).
 */
final class HeadlessChromium {
  /** The names Debian and Ubuntu give the browser. */
  static final List<String> NAMES = List.of("chromium", "chromium-browser");

  /** How long the page's scripts may run, in the browser's virtual time: {@value} ms. */
  static final int VIRTUAL_TIME_MILLIS = 5_000;

  /** How long a run may take in real time before it is killed: {@value} s. */
  static final long TIMEOUT_SECONDS = 60;

  private HeadlessChromium() {}

  /** The chromium on the {@code PATH}; fails the test if there is none. */
  static Path executable() {
    return executable(System.getenv("PATH"));
  }

  /** The chromium in one of {@code path}'s folders; fails the test, saying how to install it. */
  static Path executable(String path) {
    return find(path)
        .orElseThrow(
            () ->
                new AssertionError(
                    "chromium is not installed, and this test draws the /topology page in it: run"
                        + " 'make services' (scripts/ensure-chromium.sh installs Debian's chromium"
                        + " package) or 'sudo apt-get install chromium'; looked for "
                        + NAMES
                        + " on PATH="
                        + path));
  }

  /** The first of {@link #NAMES} that is an executable file in one of {@code path}'s folders. */
  static Optional<Path> find(String path) {
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .flatMap(dir -> NAMES.stream().map(name -> Path.of(dir, name)))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The serialised DOM of {@code url} once its scripts ran. */
  static String dumpDom(URI url) throws IOException, InterruptedException {
    Path executable = executable();
    Path work = Files.createTempDirectory("flows-chromium-");
    try {
      Path out = work.resolve("dom.html");
      Path err = work.resolve("stderr.txt");
      Process process =
          new ProcessBuilder(
                  executable.toString(),
                  "--headless",
                  "--no-sandbox", // tests run as root on CI, where the sandbox refuses to start
                  "--disable-gpu",
                  "--disable-dev-shm-usage",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + work.resolve("profile"),
                  "--virtual-time-budget=" + VIRTUAL_TIME_MILLIS,
                  "--dump-dom",
                  url.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            "chromium did not finish within " + TIMEOUT_SECONDS + " s:\n" + tail(err));
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "chromium exited with " + process.exitValue() + " for " + url + ":\n" + tail(err));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      deleteRecursively(work);
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** Best effort: a helper process chromium left behind may still hold a file of its profile. */
  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory: left for the system to clean
    }
  }
}
