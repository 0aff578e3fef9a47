package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.internal.runtime.IdempotencyKeys.Claim;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  private final AtomicLong now = new AtomicLong();
  private final IdempotencyKeys keys = new IdempotencyKeys(Duration.ofSeconds(10), now::get);

  @Test
  void shouldSayInFlightUntilAcknowledgedThenDoneUntilTheWindowEnds() {
    assertEquals(Claim.NEW, keys.claim("a"));
    assertEquals(Claim.IN_FLIGHT, keys.claim("a"));
    keys.acknowledged("a");
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertEquals(Claim.DONE, keys.claim("a"));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(Claim.NEW, keys.claim("a"), "forgotten once the window since its claim passed");
  }

  @Test
  void shouldForgetAReleasedKeyAtOnce() {
    keys.claim("a");
    keys.released("a");

    assertEquals(Claim.NEW, keys.claim("a"));
  }
}
