package io.fleetfed.core.kubefed;

import java.util.Locale;

/**
 * How much input {@link KubeFedYaml} and {@link YamlSource#read} accept, enforced while reading, before the cost
 * of a hostile input is paid: a source larger than {@code maxSourceBytes} is refused before it is parsed (and
 * {@link YamlSource#read} stops reading one byte past it), the other limits as the parser reaches them. Each
 * refusal is a {@link io.fleetfed.core.ValidationException} naming the source, the document and the limit.
 *
 * <pre>{@code
 * KubeFedBundle bundle = KubeFedYaml.read(sources, TypeRegistry.standard());          // InputLimits.DEFAULT
 * InputLimits small = new InputLimits(1 << 20, 100, 64 << 10, 128 << 10, 50);          // a stricter service
 * YamlSource upload = YamlSource.read("upload.yaml", request.body(), small);
 * KubeFedBundle checked = KubeFedYaml.read(List.of(upload), TypeRegistry.standard(), small);
 * }</pre>
 *
 * <p>Why the defaults are what they are: the API server stores no object larger than etcd's request limit
 * (1.5 MiB by default), and a Secret or ConfigMap holds at most 1 MiB of data, which is about 1.34 MiB in
 * base64. So no value longer than 1.5 MiB can reach a cluster, and a file of 8 MiB holds five of the largest
 * objects, or thousands of ordinary ones; bigger inputs can be split into several files. Lines are bounded
 * because the YAML scanner buffers a line's run of characters in a way that costs time quadratic in its length:
 * a 4 MiB line took tens of seconds, a 50 MB one would never finish; at 2 MiB a line costs well under a
 * second. Nesting is bounded far above what Kubernetes objects use (a Deployment's deepest field, inside a
 * FederatedDeployment, is about 15 levels down).
 *
 * @param maxSourceBytes the largest source, in bytes of UTF-8; default {@link #DEFAULT_MAX_SOURCE_BYTES} (8 MiB)
 * @param maxDocuments the most documents in one source, empty ones included and each item of a {@code v1 List}
 *     counting as one; default {@link #DEFAULT_MAX_DOCUMENTS}
 * @param maxValueLength the longest scalar (a value or a key), in characters; default
 *     {@link #DEFAULT_MAX_VALUE_LENGTH} (1.5 MiB)
 * @param maxLineLength the longest line, in characters; default {@link #DEFAULT_MAX_LINE_LENGTH} (2 MiB). JSON
 *     written on one line counts as one line: pretty-print a larger one.
 * @param maxDepth the deepest nesting of mappings and lists, a document's own mapping being level 1; default
 *     {@link #DEFAULT_MAX_DEPTH}
 */
public record InputLimits(int maxSourceBytes, int maxDocuments, int maxValueLength, int maxLineLength,
    int maxDepth) {
  /** 8 MiB: the default for {@link #maxSourceBytes()}. */
  public static final int DEFAULT_MAX_SOURCE_BYTES = 8 << 20;
  /** 10,000: the default for {@link #maxDocuments()}. */
  public static final int DEFAULT_MAX_DOCUMENTS = 10_000;
  /** 1.5 MiB (1,572,864 characters), etcd's default request limit: the default for {@link #maxValueLength()}. */
  public static final int DEFAULT_MAX_VALUE_LENGTH = 3 << 19;
  /** 2 MiB (2,097,152 characters): the default for {@link #maxLineLength()}. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 2 << 20;
  /** 100 levels: the default for {@link #maxDepth()}. */
  public static final int DEFAULT_MAX_DEPTH = 100;

  /** The limits {@link KubeFedYaml#read(java.util.List, TypeRegistry)} and the {@code fleetfed} command use. */
  public static final InputLimits DEFAULT = new InputLimits(DEFAULT_MAX_SOURCE_BYTES, DEFAULT_MAX_DOCUMENTS,
      DEFAULT_MAX_VALUE_LENGTH, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_DEPTH);

  /**
   * Checks that every limit is positive, and that a source can be held in an array one byte past its limit.
   *
   * @throws IllegalArgumentException for a limit out of range
   */
  public InputLimits {
    positive("maxSourceBytes", maxSourceBytes);
    positive("maxDocuments", maxDocuments);
    positive("maxValueLength", maxValueLength);
    positive("maxLineLength", maxLineLength);
    positive("maxDepth", maxDepth);
    if (maxSourceBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxSourceBytes must be at most " + (Integer.MAX_VALUE - 16) + ": "
          + maxSourceBytes);
    }
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  /** {@code bytes} for messages: {@code "8 MiB (8388608 bytes)"}, or {@code "1000 bytes"} below 1 KiB. */
  static String describeBytes(long bytes) {
    return bytes < 1024 ? bytes + " bytes" : binary(bytes) + " (" + bytes + " bytes)";
  }

  /** {@code characters} for messages: {@code "1.5 MiB (1572864 characters)"}. */
  static String describeCharacters(long characters) {
    return characters < 1024 ? characters + " characters" : binary(characters) + " (" + characters + " characters)";
  }

  private static String binary(long n) {
    String[] units = {"KiB", "MiB", "GiB"};
    double value = n / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    String number = value == Math.rint(value) ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
    return number + " " + units[unit];
  }
}
