package dev.flows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void shouldEscapeQuotesAndBackslashesWhenQuoting() {
    assertEquals("\"say \\\"hi\\\"\"", Json.quote("say \"hi\""));
    assertEquals("\"C:\\\\temp\\\\\\\"x\\\"\"", Json.quote("C:\\temp\\\"x\""));
    assertEquals("\"\"", Json.quote(""));
  }

  @Test
  void shouldEscapeEveryControlCharacterWhenQuoting() {
    assertEquals("\"a\\nb\\rc\\td\"", Json.quote("a\nb\rc\td"));
    assertEquals("\"\\u0000\\u0001\\u0008\\u000c\\u001f\"", Json.quote("\u0000\u0001\b\f\u001f"));
    assertEquals("\" ~\u007f\"", Json.quote(" ~\u007f"));
  }

  @Test
  void shouldKeepNonAsciiAsItIsWhenQuoting() {
    assertEquals("\"é 日本語 \uD83D\uDE00 \u2028\"", Json.quote("é 日本語 \uD83D\uDE00 \u2028"));
  }

  @Test
  void shouldReadBackAsTheSameTextWhenAJsonParserDecodesIt() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    for (String text :
        List.of("", "plain", "q\"b\\s/", "\u0000\u001f\n\r\t\b\f", "é日本語\uD83D\uDE00\u2028")) {
      assertEquals(text, mapper.readValue(Json.quote(text), String.class), text);
    }
  }
}
