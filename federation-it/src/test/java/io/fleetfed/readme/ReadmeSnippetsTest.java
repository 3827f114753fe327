package io.fleetfed.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the README is compiled: each {@code ```java} block follows a comment
 * {@code <!-- snippet: Name -->} naming a source file of this package, and must be exactly that file's imports
 * (the README shows them) followed by the lines between its {@code // README:start} and {@code // README:end}
 * markers, unindented. The files compile with the tests, so a snippet that names a class, constant or method that
 * does not exist fails the build; this test fails when the README and the file part.
 */
class ReadmeSnippetsTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "test", "java", "io", "fleetfed", "readme");
  private static final Pattern BLOCK =
      Pattern.compile("(?:<!-- snippet: (\\w+) -->\\n)?```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaBlockOfTheReadmeIsACompiledSnippet() throws IOException {
    Map<String, String> blocks = readmeBlocks();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> block : blocks.entrySet()) {
      Path file = SOURCES.resolve(block.getKey() + ".java");
      if (!Files.exists(file)) {
        problems.add("README.md names snippet " + block.getKey() + ", but " + file + " does not exist");
        continue;
      }
      String expected = snippetOf(file);
      if (!block.getValue().equals(expected)) {
        problems.add("README.md's snippet " + block.getKey() + " differs from " + file + " (imports, then the"
            + " lines between // README:start and // README:end, unindented); the file's version:\n" + expected);
      }
    }
    assertThat(problems).as("README snippets").isEmpty();
  }

  @Test
  void everySnippetFileIsShownInTheReadme() throws IOException {
    Map<String, String> blocks = readmeBlocks();
    try (Stream<Path> files = Files.list(SOURCES)) {
      List<String> unused = files.filter(f -> hasLine(f, "// README:start"))
          .map(f -> f.getFileName().toString().replace(".java", ""))
          .filter(name -> !blocks.containsKey(name))
          .sorted()
          .toList();
      assertThat(unused).as("snippet files the README does not show").isEmpty();
    }
  }

  /** The README's Java blocks by snippet name; a block without its name fails the test. */
  private static Map<String, String> readmeBlocks() throws IOException {
    String readme = Files.readString(README).replace("\r\n", "\n");
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(readme);
    while (m.find()) {
      int line = (int) readme.substring(0, m.start()).lines().count() + 1;
      if (m.group(1) == null) {
        fail("README.md line " + line + ": a ```java block without a <!-- snippet: Name --> line before it;"
            + " put the code in " + SOURCES + "/Name.java between // README:start and // README:end");
      }
      if (blocks.put(m.group(1), m.group(2)) != null) {
        fail("README.md line " + line + ": snippet " + m.group(1) + " is shown twice");
      }
    }
    assertThat(blocks).as("Java blocks in README.md").isNotEmpty();
    return blocks;
  }

  /** The file's import lines, a blank line, then its marked lines without their common indentation. */
  static String snippetOf(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> imports = lines.stream().filter(l -> l.startsWith("import ")).toList();
    int start = indexOf(lines, "// README:start", file);
    int end = indexOf(lines, "// README:end", file);
    if (end < start) {
      fail(file + ": // README:end comes before // README:start");
    }
    List<String> body = lines.subList(start + 1, end);
    int indent = body.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder out = new StringBuilder();
    if (!imports.isEmpty()) {
      imports.forEach(i -> out.append(i).append('\n'));
      out.append('\n');
    }
    body.forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
    return out.toString();
  }

  private static int indexOf(List<String> lines, String marker, Path file) {
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        at.add(i);
      }
    }
    if (at.size() != 1) {
      fail(file + ": needs exactly one line " + marker + ", has " + at.size());
    }
    return at.get(0);
  }

  private static boolean hasLine(Path file, String line) {
    try {
      return Files.readAllLines(file).stream().anyMatch(l -> l.strip().equals(line));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
