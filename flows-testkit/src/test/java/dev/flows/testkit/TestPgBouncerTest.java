package dev.flows.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A machine without pgbouncer fails the tests that need it, saying how to install it. */
class TestPgBouncerTest {

  @Test
  void shouldSayHowToInstallItWhenTheBinaryIsMissing(@TempDir Path empty) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> TestPgBouncer.binary(List.of(empty.toString())));

    assertEquals(
        "pgbouncer is not installed (looked in "
            + empty
            + "): run 'make services', which installs Debian's pgbouncer, or 'sudo apt-get install"
            + " pgbouncer'",
        e.getMessage());
  }

  @Test
  void shouldFindTheBinaryInTheFirstDirectoryThatHasOne(@TempDir Path directory) throws Exception {
    Path binary = Files.createFile(directory.resolve("pgbouncer"));
    binary.toFile().setExecutable(true);

    assertEquals(
        binary.toString(), TestPgBouncer.binary(List.of("/no/such/dir", directory.toString())));
  }
}
