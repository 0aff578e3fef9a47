package dev.flows.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.FailureClass;
import dev.flows.FailureClasses;
import dev.flows.FormatException;
import dev.flows.PermanentException;
import dev.flows.TransientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FailureClassesTest {
  private final FailureClasses defaults = FailureClasses.defaults();

  @Test
  void shouldClassifyTheMarkersAndFormatErrorsAndCallTheRestRetryableWhenNothingIsMapped() {
    assertEquals(FailureClass.PERMANENT, defaults.classify(new PermanentException("bad", null)));
    assertEquals(FailureClass.PERMANENT, defaults.classify(new FormatException("bad", null)));
    assertEquals(FailureClass.TRANSIENT, defaults.classify(new TransientException("down", null)));
    assertEquals(FailureClass.RETRYABLE, defaults.classify(new IllegalStateException()));
  }

  @Test
  void shouldUseTheMostSpecificMappingWhenASubclassAndItsSuperclassAreMapped() {
    FailureClasses classes =
        defaults
            .with(IOException.class, FailureClass.PERMANENT)
            .with(ConnectException.class, FailureClass.TRANSIENT);

    assertEquals(FailureClass.TRANSIENT, classes.classify(new ConnectException("refused")));
    assertEquals(FailureClass.PERMANENT, classes.classify(new IOException("broken")));
  }

  @Test
  void shouldClassifyByTheCauseWhenTheThrownExceptionIsNotMapped() {
    FailureClasses classes = defaults.with(ConnectException.class, FailureClass.TRANSIENT);

    assertEquals(
        FailureClass.TRANSIENT,
        classes.classify(new UncheckedIOException(new ConnectException("refused"))));
    assertEquals(
        FailureClass.TRANSIENT,
        defaults.classify(new RuntimeException(new TransientException("down", null))));
  }

  @Test
  void shouldLetTheThrownExceptionWinWhenBothItAndItsCauseAreMapped() {
    FailureClasses classes = defaults.with(IllegalArgumentException.class, FailureClass.PERMANENT);

    assertEquals(
        FailureClass.PERMANENT,
        classes.classify(
            new IllegalArgumentException("bad id", new TransientException("down", null))));
  }

  @Test
  @Timeout(5)
  void shouldEndAtACauseChainThatLoopsBackOnItself() {
    RuntimeException outer = new RuntimeException("outer");
    IllegalStateException inner = new IllegalStateException("inner", outer);
    outer.initCause(inner);

    assertEquals(FailureClass.RETRYABLE, defaults.classify(outer));
  }
}
