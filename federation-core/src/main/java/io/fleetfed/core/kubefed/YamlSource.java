package io.fleetfed.core.kubefed;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * YAML text and the name to call it by in messages (usually its file name).
 *
 * <pre>{@code
 * YamlSource inline = new YamlSource("inline", "apiVersion: types.kubefed.io/v1beta1\n...");
 * YamlSource file;
 * try (InputStream in = Files.newInputStream(path)) {
 *   file = YamlSource.read(path.toString(), in, InputLimits.DEFAULT);   // at most 8 MiB, strict UTF-8
 * }
 * }</pre>
 *
 * @param name what messages call the source, such as {@code "deploy.yaml"} or {@code "<stdin>"}
 * @param content the YAML text, one or more documents
 */
public record YamlSource(String name, String content) {
  /** Checks for null. */
  public YamlSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
  }

  /**
   * Reads a source from {@code in}, which must hold UTF-8: reads at most one byte more than
   * {@link InputLimits#maxSourceBytes()}, so that an endless stream (such as {@code /dev/zero}) costs no more than
   * a source at the limit. Does not close {@code in}.
   *
   * @param name what messages call the source, such as {@code "deploy.yaml"} or {@code "<stdin>"}
   * @throws ValidationException naming the source, if it is larger than the limit, or is not valid UTF-8 (with the
   *     line and byte offset of the first invalid byte; the bytes themselves are not printed)
   * @throws IOException if {@code in} cannot be read
   */
  public static YamlSource read(String name, InputStream in, InputLimits limits) throws IOException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(limits, "limits");
    byte[] bytes = in.readNBytes(limits.maxSourceBytes() + 1);
    if (bytes.length > limits.maxSourceBytes()) {
      throw refused(name, tooLarge(limits));
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer input = ByteBuffer.wrap(bytes);
    CharBuffer text = CharBuffer.allocate(bytes.length);   // UTF-8 never decodes to more chars than bytes
    CoderResult result = decoder.decode(input, text, true);
    if (!result.isError()) {
      result = decoder.flush(text);
    }
    if (result.isError()) {
      int offset = input.position();
      throw refused(name, "is not valid UTF-8 (line " + lineAt(bytes, offset) + ", byte offset " + offset
          + "): save it as UTF-8");
    }
    return new YamlSource(name, text.flip().toString());
  }

  /** The reason a source over {@code limits} is refused. */
  static String tooLarge(InputLimits limits) {
    return "is larger than " + InputLimits.describeBytes(limits.maxSourceBytes()) + ", the limit for one"
        + " source: split it into several files";
  }

  /** The name and the length only: the content may hold Secret values, and a record would print it whole. */
  @Override
  public String toString() {
    return "YamlSource[" + name + ", " + content.length() + " characters]";
  }

  /** Whether {@code text}, written as UTF-8, takes more than {@code max} bytes; counts no further than needed. */
  static boolean utf8LongerThan(String text, long max) {
    if (text.length() > max) {
      return true;
    }
    if ((long) text.length() * 3 <= max) {
      return false;
    }
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;   // a surrogate pair takes 4 bytes
      if (bytes > max) {
        return true;
      }
    }
    return false;
  }

  private static int lineAt(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static ValidationException refused(String name, String reason) {
    return new ValidationException(List.of(new Violation(Optional.of(name), Optional.empty(),
        Optional.empty(), reason)));
  }
}
