package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * The YAML reader of {@link KubeFedYaml}, within {@link InputLimits}, in one pass: each event is checked as
 * SnakeYAML produces it (documents, nesting, scalar length), lines as the scanner reads them, and aliases and merge
 * keys are noted on the way, so that no source is parsed twice.
 *
 * <p>Lines are bounded at the reader because SnakeYAML's scanner keeps the run of characters it is reading in a
 * window that it copies whole for every 1,024 characters it reads: a run of n characters costs n²/2,048 copies.
 * The reader refuses a line once it is past the limit, so the scanner never buffers more than that.
 */
final class BoundedYaml {
  private static final Factory DEFAULT_FACTORY = new Factory(InputLimits.DEFAULT);

  private BoundedYaml() {}

  /** A parser of {@code content} within {@code limits}. */
  static Parser open(String content, InputLimits limits) throws IOException {
    Factory factory = limits.equals(InputLimits.DEFAULT) ? DEFAULT_FACTORY : new Factory(limits);
    return (Parser) factory.createParser(new LineLimitedReader(content, limits.maxLineLength()));
  }

  /** The reason for more documents than {@code limits} allow. */
  static String tooManyDocuments(InputLimits limits) {
    return "more than " + limits.maxDocuments() + " documents, the limit for one source (a List's items count as"
        + " documents): split it into several files";
  }

  /** An alias or merge key, which the tree reader would take for a plain string. */
  record Unsupported(int document, int line, String reason) {}

  /** A limit that the input went past, where the parser stood. */
  static final class LimitException extends JsonParseException {
    private static final long serialVersionUID = 1L;

    LimitException(Parser parser, String message, Event event) {
      super(parser, message, parser.locationOf(event));
    }
  }

  /** A YAML factory whose parsers check the limits; its constraints back the checks up. */
  private static final class Factory extends YAMLFactory {
    private static final long serialVersionUID = 1L;
    private final transient InputLimits limits;

    Factory(InputLimits limits) {
      super(builder(limits));
      this.limits = limits;
    }

    private static YAMLFactoryBuilder builder(InputLimits limits) {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(limits.maxSourceBytes());     // a character takes at least one byte
      options.setNestingDepthLimit(limits.maxDepth());
      options.setMaxAliasesForCollections(1);                // aliases are refused anyway
      options.setAllowDuplicateKeys(false);
      return YAMLFactory.builder()
          .loaderOptions(options)
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxDocumentLength(limits.maxSourceBytes())
              .maxStringLength(limits.maxValueLength())
              .maxNestingDepth(limits.maxDepth())
              .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL);
    }

    @Override
    protected YAMLParser _createParser(Reader reader, IOContext context) throws IOException {
      return new Parser(context, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, reader,
          limits);
    }
  }

  /** Checks each event against the limits, and notes aliases and merge keys. */
  static final class Parser extends YAMLParser {
    private final InputLimits limits;
    private final List<Unsupported> unsupported = new ArrayList<>();
    private int documents;
    private int depth;

    Parser(IOContext context, int parserFeatures, int yamlFeatures, LoaderOptions options, ObjectCodec codec,
        Reader reader, InputLimits limits) {
      super(context, parserFeatures, yamlFeatures, options, codec, reader);
      this.limits = limits;
    }

    /** The documents started so far, empty ones included. */
    int documents() {
      return documents;
    }

    /** The aliases and merge keys found so far, in input order. */
    List<Unsupported> unsupported() {
      return List.copyOf(unsupported);
    }

    /** Why reading stopped at a line, if it did: the line, and the limit it went past. */
    Optional<String> lineProblem() {
      return ((LineLimitedReader) _reader).problem();
    }

    @Override
    protected Event getEvent() throws IOException {
      Event event = super.getEvent();
      if (event == null) {
        return null;
      }
      switch (event.getEventId()) {
        case DocumentStart:
          documents++;
          if (documents > limits.maxDocuments()) {
            throw new LimitException(this, tooManyDocuments(limits), event);
          }
          break;
        case MappingStart:
        case SequenceStart:
          depth++;
          if (depth > limits.maxDepth()) {
            throw new LimitException(this, "nested deeper than " + limits.maxDepth() + " levels of mappings and"
                + " lists, the limit", event);
          }
          break;
        case MappingEnd:
        case SequenceEnd:
          depth--;
          break;
        case Scalar:
          ScalarEvent scalar = (ScalarEvent) event;
          int length = scalar.getValue().length();
          if (length > limits.maxValueLength()) {
            throw new LimitException(this, "a value of " + length + " characters is longer than "
                + InputLimits.describeCharacters(limits.maxValueLength()) + ", the limit for one value", event);
          }
          if (scalar.isPlain() && "<<".equals(scalar.getValue())) {
            note(event, "YAML merge keys (<<) are not supported: write the merged members out in full");
          }
          break;
        case Alias:
          note(event, "YAML aliases (*" + ((AliasEvent) event).getAnchor() + ") are not supported: write the value"
              + " out in full");
          break;
        default:
          break;
      }
      return event;
    }

    private void note(Event event, String reason) {
      unsupported.add(new Unsupported(Math.max(documents, 1), event.getStartMark().getLine() + 1, reason));
    }

    private JsonLocation locationOf(Event event) {
      return _locationFor(event.getStartMark());
    }
  }

  /**
   * A reader of a string that refuses a line longer than the limit as soon as it has handed out that many of its
   * characters. Line breaks are YAML 1.1's: LF, CR, NEL, LS and PS.
   */
  private static final class LineLimitedReader extends Reader {
    private final String text;
    private final int maxLine;
    private int position;
    private int lineLength;
    private int line = 1;
    private boolean afterCr;
    private String problem;

    LineLimitedReader(String text, int maxLine) {
      this.text = text;
      this.maxLine = maxLine;
    }

    Optional<String> problem() {
      return Optional.ofNullable(problem);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      if (problem != null) {
        throw new IOException(problem);
      }
      if (length == 0) {
        return 0;
      }
      if (position >= text.length()) {
        return -1;
      }
      int end = Math.min(text.length(), position + length);
      text.getChars(position, end, buffer, offset);
      for (int i = offset; i < offset + (end - position); i++) {
        char c = buffer[i];
        if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
          if (!(c == '\n' && afterCr)) {
            line++;
          }
          afterCr = c == '\r';
          lineLength = 0;
        } else {
          afterCr = false;
          if (++lineLength > maxLine) {
            problem = "line " + line + " is longer than " + InputLimits.describeCharacters(maxLine) + ", the limit"
                + " for one line (JSON on one line counts as one: pretty-print it)";
            throw new IOException(problem);
          }
        }
      }
      int read = end - position;
      position = end;
      return read;
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
