package dev.flows.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the docs promise of {@link EmbeddedPostgresDatabase}: on Linux (x86-64, ARM64) and macOS
 * (Intel, Apple silicon) the PostgreSQL binaries of the machine are on the test class path, brought
 * by flows-testkit's pom (its OS-activated profiles). Resource names as zonky's default provider
 * looks them up.
 */
class EmbeddedPostgresBinariesTest {
  private static final Map<String, String> ARCHITECTURES =
      Map.of("amd64", "x86_64", "x86_64", "x86_64", "aarch64", "arm_64");

  @Test
  void shouldCarryThePostgresBinariesOfThisMachineWhenItIsADocumentedPlatform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String system = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : null;
    String arch = ARCHITECTURES.get(System.getProperty("os.arch").toLowerCase(Locale.ROOT));
    if (system == null || arch == null) {
      return; // elsewhere the docs send you to Docker or FLOWS_TEST_POSTGRES
    }

    String resource = "postgres-" + system + "-" + arch + ".txz";
    assertNotNull(
        getClass().getClassLoader().getResource(resource),
        resource
            + " is missing: flows-testkit's pom must bring the zonky binaries of this machine");
  }
}
