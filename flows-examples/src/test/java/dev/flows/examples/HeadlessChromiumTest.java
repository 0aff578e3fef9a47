package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding chromium for the page tests: the first on the path, or a failure saying what to do. */
class HeadlessChromiumTest {
  @TempDir Path dir;

  @Test
  void shouldFailSayingHowToInstallItWhenNoFolderOfThePathHoldsChromium() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> HeadlessChromium.executable(dir.toString()));

    assertTrue(e.getMessage().startsWith("chromium is not installed"), e.getMessage());
    assertTrue(e.getMessage().contains("'make services'"), e.getMessage());
    assertTrue(e.getMessage().endsWith("PATH=" + dir), e.getMessage());
  }

  @Test
  void shouldFindTheFirstExecutableChromiumWhenFoldersOfThePathHoldOne() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path notExecutable = Files.createDirectory(dir.resolve("plain"));
    Files.createFile(notExecutable.resolve("chromium"));
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path browser =
        Files.createFile(
            bin.resolve("chromium-browser"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    assertEquals(
        Optional.of(browser),
        HeadlessChromium.find(
            String.join(File.pathSeparator, "", empty + "", notExecutable + "", bin + "")));
    assertEquals(Optional.empty(), HeadlessChromium.find(null));
  }
}
