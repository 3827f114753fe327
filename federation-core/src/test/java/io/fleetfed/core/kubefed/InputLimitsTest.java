package io.fleetfed.core.kubefed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InputLimits}: each limit refuses what goes past it, while reading, with the source, the document and the
 * limit named; input within them reads as before.
 */
class InputLimitsTest {
  private static final String CONFIG_MAP = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedConfigMap
      metadata: {name: settings, namespace: ci}
      spec:
        template:
          data:
            key: %s
      """;

  private static ValidationException refused(String yaml, InputLimits limits) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> KubeFedYaml.read("in.yaml", yaml, TypeRegistry.builtIn(), limits));
    assertThat(e).as("reading should be refused").isNotNull();
    return e;
  }

  private static Violation onlyViolation(String yaml, InputLimits limits) {
    ValidationException e = refused(yaml, limits);
    assertThat(e.violations()).as(e.getMessage()).hasSize(1);
    return e.violations().get(0);
  }

  private static KubeFedBundle read(String yaml, InputLimits limits) {
    return KubeFedYaml.read("in.yaml", yaml, TypeRegistry.builtIn(), limits);
  }

  private static InputLimits limits(int bytes, int documents, int value, int line, int depth) {
    return new InputLimits(bytes, documents, value, line, depth);
  }

  @Test
  @DisplayName("the defaults are the documented ones, and read(...) without limits uses them")
  void defaults() {
    assertThat(InputLimits.DEFAULT).isEqualTo(new InputLimits(8 * 1024 * 1024, 10_000, 1536 * 1024,
        2 * 1024 * 1024, 100));
    String big = "x".repeat(InputLimits.DEFAULT_MAX_VALUE_LENGTH + 1);
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> KubeFedYaml.read("in.yaml", CONFIG_MAP.formatted(big), TypeRegistry.builtIn()));
    assertThat(e.getMessage()).contains("the limit for one value");
  }

  @Test
  @DisplayName("limits must be positive")
  void limitsArePositive() {
    assertThatThrownBy(() -> limits(0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSourceBytes");
    assertThatThrownBy(() -> limits(1, 1, 1, 1, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDepth");
    assertThatThrownBy(() -> limits(Integer.MAX_VALUE, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Nested
  class SourceSize {
    @Test
    @DisplayName("a source over the size limit is refused before it is parsed, naming the source and the limit")
    void tooLarge() {
      String yaml = CONFIG_MAP.formatted("v") + "#".repeat(1000);
      Violation v = onlyViolation(yaml, limits(1000, 10, 100, 2000, 10));

      assertThat(v.source()).contains("in.yaml");
      assertThat(v.reason()).isEqualTo("is larger than 1000 bytes, the limit for one source: split it into several"
          + " files");
      assertThat(read(yaml, limits(yaml.length(), 10, 100, 2000, 10)).resources()).hasSize(1);
    }

    @Test
    @DisplayName("the size is counted in bytes of UTF-8: two-byte letters count twice")
    void countsUtf8Bytes() {
      String yaml = CONFIG_MAP.formatted("\"" + "é".repeat(300) + "\"");
      int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;

      assertThat(yaml.length()).isLessThan(bytes);
      assertThat(onlyViolation(yaml, limits(bytes - 1, 10, 1000, 1000, 10)).reason()).startsWith("is larger than");
      assertThat(read(yaml, limits(bytes, 10, 1000, 1000, 10)).resources()).hasSize(1);
    }

    @Test
    @DisplayName("a 50 MB value is refused by the size of its source, with the default limits")
    void fiftyMegabytes() {
      String yaml = CONFIG_MAP.formatted("x".repeat(50_000_000));

      Violation v = onlyViolation(yaml, InputLimits.DEFAULT);

      assertThat(v.source()).contains("in.yaml");
      assertThat(v.reason()).startsWith("is larger than 8 MiB (8388608 bytes), the limit for one source");
    }
  }

  @Nested
  class Documents {
    @Test
    @DisplayName("more documents than the limit are refused at the first one past it, empty ones counted")
    void tooMany() {
      String doc = CONFIG_MAP.formatted("v");
      String three = doc + "---\n" + doc.replace("settings", "b") + "---\n";   // the third is empty

      assertThat(read(three, limits(10_000, 3, 100, 100, 10)).resources()).hasSize(2);
      Violation v = onlyViolation(three + "---\n" + doc.replace("settings", "c"), limits(10_000, 3, 100, 100, 10));
      assertThat(v.source()).contains("in.yaml, document 4 (line 17)");   // its '---' line
      assertThat(v.reason()).startsWith("more than 3 documents, the limit for one source");
    }

    @Test
    @DisplayName("the items of a v1 List count as documents")
    void listItems() {
      String item = """
            - apiVersion: types.kubefed.io/v1beta1
              kind: FederatedConfigMap
              metadata: {name: %s, namespace: ci}
              spec: {}
          """;
      String list = "apiVersion: v1\nkind: List\nitems:\n" + item.formatted("a") + item.formatted("b")
          + item.formatted("c");

      assertThat(read(list, limits(10_000, 3, 100, 100, 10)).resources()).hasSize(3);
      Violation v = onlyViolation(list, limits(10_000, 2, 100, 100, 10));
      assertThat(v.source()).contains("in.yaml, document 1 (line 1)");
      assertThat(v.reason()).contains("more than 2 documents").contains("a List's items count as documents");
    }
  }

  @Nested
  class Values {
    @Test
    @DisplayName("a value longer than the limit is refused naming its field, the document and the limit")
    void tooLong() {
      InputLimits limits = limits(100_000, 10, 1000, 5000, 10);

      assertThat(read(CONFIG_MAP.formatted("v".repeat(1000)), limits).resources()).hasSize(1);
      Violation v = onlyViolation(CONFIG_MAP.formatted("v".repeat(1001)), limits);
      assertThat(v.source()).contains("in.yaml, document 1 (line 1)");
      assertThat(v.field()).contains("spec.template.data.key");
      assertThat(v.reason()).isEqualTo("a value of 1001 characters is longer than 1000 characters, the limit for"
          + " one value");
    }

    @Test
    @DisplayName("a value over many short lines is measured whole")
    void multiLine() {
      String block = "|\n" + "        0123456789\n".repeat(200);
      InputLimits limits = limits(100_000, 10, 1000, 100, 10);

      Violation v = onlyViolation(CONFIG_MAP.formatted(block), limits);
      assertThat(v.field()).contains("spec.template.data.key");
      assertThat(v.reason()).startsWith("a value of 2200 characters is longer than 1000 characters");
    }

    @Test
    @DisplayName("a value of the largest size a Secret holds (1 MiB, 1.34 MiB in base64) reads with the defaults")
    void largestSecretFits() {
      String base64 = java.util.Base64.getEncoder().encodeToString(new byte[1024 * 1024]);
      String yaml = """
          apiVersion: types.kubefed.io/v1beta1
          kind: FederatedSecret
          metadata: {name: big, namespace: ci}
          spec:
            template:
              data:
                blob: %s
          """.formatted(base64);

      assertThat(KubeFedYaml.read("in.yaml", yaml, TypeRegistry.builtIn()).resources()).singleElement()
          .satisfies(r -> assertThat(r.template().at("/data/blob").asText()).hasSize(base64.length()));
    }
  }

  @Nested
  class Lines {
    @Test
    @DisplayName("a line longer than the limit is refused while read, naming the line and the limit")
    void tooLong() {
      InputLimits limits = limits(100_000, 10, 50_000, 1000, 10);
      String comment = "\n# " + "c".repeat(1000);

      Violation v = onlyViolation(CONFIG_MAP.formatted("v") + "---" + comment + "\nkind: X\n", limits);
      assertThat(v.source()).contains("in.yaml, document 2 (line 8)");
      assertThat(v.field()).isEmpty();
      assertThat(v.reason()).isEqualTo("line 9 is longer than 1000 characters, the limit for one line (JSON on one"
          + " line counts as one: pretty-print it)");
    }

    @Test
    @DisplayName("a 4 MB value on one line is refused at the line limit, with the default limits")
    void fourMegabytes() {
      Violation v = onlyViolation(CONFIG_MAP.formatted("x".repeat(4_000_000)), InputLimits.DEFAULT);

      assertThat(v.source()).contains("in.yaml, document 1 (line 1)");
      assertThat(v.reason()).startsWith("line 7 is longer than 2 MiB (2097152 characters), the limit for one line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    @DisplayName("lines are counted with any line break; lines within the limit read, whatever the total")
    void lineBreaks(String lineBreak) {
      String yaml = CONFIG_MAP.formatted("v").replace("\n", lineBreak);
      KubeFedBundle bundle = read(yaml, limits(100_000, 10, 100, 45, 10));   // the longest line has 41
      assertThat(bundle.resources()).hasSize(1);
    }
  }

  @Nested
  class Nesting {
    @Test
    @DisplayName("nesting deeper than the limit is refused naming the field it starts at")
    void tooDeep() {
      InputLimits limits = limits(100_000, 10, 100, 1000, 6);
      // document (1), spec (2), template (3), data (4): a value at level 5 is fine, 7 is not
      assertThat(read(CONFIG_MAP.formatted("v"), limits).resources()).hasSize(1);
      Violation v = onlyViolation(CONFIG_MAP.formatted("{a: {b: [c]}}"), limits);
      assertThat(v.source()).contains("in.yaml, document 1 (line 1)");
      assertThat(v.field()).contains("spec.template.data.key.a.b");
      assertThat(v.reason()).isEqualTo("nested deeper than 6 levels of mappings and lists, the limit");
    }

    @Test
    @DisplayName("a thousand nested lists are refused with the default limits, not read into a stack overflow")
    void deepLists() {
      Violation v = onlyViolation("a: " + "[".repeat(1000) + "]".repeat(1000) + "\n", InputLimits.DEFAULT);
      assertThat(v.reason()).contains("nested deeper than 100 levels");
    }
  }

  @Nested
  class Streams {
    /** An endless stream of one byte, counting what was read. */
    private static final class Endless extends InputStream {
      long read;

      @Override
      public int read() {
        read++;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 0);
        read += len;
        return len;
      }
    }

    @Test
    @DisplayName("an endless stream is refused after one byte past the limit, naming the source and the limit")
    void endless() {
      Endless zeros = new Endless();
      InputLimits limits = limits(4096, 10, 100, 100, 10);

      ValidationException e = catchThrowableOfType(ValidationException.class,
          () -> YamlSource.read("/dev/zero", zeros, limits));

      assertThat(e.violations()).singleElement().satisfies(v -> {
        assertThat(v.source()).contains("/dev/zero");
        assertThat(v.reason()).startsWith("is larger than 4 KiB (4096 bytes), the limit for one source");
      });
      assertThat(zeros.read).isEqualTo(4097);
    }

    @Test
    @DisplayName("valid UTF-8 reads as text, multi-byte characters and a source at the size limit included")
    void validUtf8() throws IOException {
      byte[] bytes = "name: nginx-фед # ✓ 𝄞\n".getBytes(StandardCharsets.UTF_8);

      YamlSource source = YamlSource.read("<stdin>", new ByteArrayInputStream(bytes),
          limits(bytes.length, 10, 100, 100, 10));

      assertThat(source.name()).isEqualTo("<stdin>");
      assertThat(source.content()).isEqualTo("name: nginx-фед # ✓ 𝄞\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "c3", "c080", "eda080", "f4908080", "e282"})
    @DisplayName("bytes that are not UTF-8 are refused with their line and offset, not replaced by U+FFFD")
    void invalidUtf8(String hex) {
      byte[] prefix = "a: 1\nb: x".getBytes(StandardCharsets.US_ASCII);
      byte[] bad = java.util.HexFormat.of().parseHex(hex);
      byte[] bytes = new byte[prefix.length + bad.length + 1];
      System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      System.arraycopy(bad, 0, bytes, prefix.length, bad.length);
      bytes[bytes.length - 1] = '\n';

      ValidationException e = catchThrowableOfType(ValidationException.class,
          () -> YamlSource.read("<stdin>", new ByteArrayInputStream(bytes), InputLimits.DEFAULT));

      assertThat(e).isNotNull();
      assertThat(e.violations()).extracting(Violation::toString).containsExactly(
          "<stdin>: is not valid UTF-8 (line 2, byte offset 9): save it as UTF-8");
    }

    @Test
    @DisplayName("what a stream holds is then read within the same limits")
    void thenParsed() throws IOException {
      byte[] bytes = CONFIG_MAP.formatted("v").getBytes(StandardCharsets.UTF_8);
      YamlSource source = YamlSource.read("cm.yaml", new ByteArrayInputStream(bytes), InputLimits.DEFAULT);

      assertThat(KubeFedYaml.read(List.of(source), TypeRegistry.builtIn(), InputLimits.DEFAULT).resources())
          .hasSize(1);
    }
  }
}
