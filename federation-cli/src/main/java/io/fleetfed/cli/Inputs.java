package io.fleetfed.cli;

import io.fleetfed.core.Violation;
import io.fleetfed.core.kubefed.YamlSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads {@code -f} arguments the way kubectl does: files, directories of YAML/JSON files, or {@code -} for stdin. */
final class Inputs {
  private final InputStream stdin;
  /** Whether {@code -} was read already: standard input has only one content. */
  private boolean stdinRead;

  /** Inputs of one command run, reading {@code -} from {@code stdin}. */
  Inputs(InputStream stdin) {
    this.stdin = stdin;
  }

  /** Reads every argument that can be read; adds a problem naming each one that cannot. */
  List<YamlSource> read(List<String> arguments, List<Violation> problems) {
    List<YamlSource> sources = new ArrayList<>();
    for (String argument : arguments) {
      try {
        if (argument.equals("-") && stdinRead) {
          problems.add(problem(argument, "standard input can be read only once"));
          continue;
        }
        if (argument.equals("-")) {
          stdinRead = true;
          sources.add(new YamlSource("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)));
          continue;
        }
        Path path = Path.of(argument);
        if (Files.isDirectory(path)) {
          try (Stream<Path> files = Files.list(path)) {
            for (Path file : files.filter(Inputs::isManifest).sorted().collect(Collectors.toList())) {
              sources.add(new YamlSource(file.toString(), Files.readString(file)));
            }
          }
        } else {
          sources.add(new YamlSource(argument, Files.readString(path)));
        }
      } catch (InvalidPathException e) {
        problems.add(problem(argument.replace('\0', '?'), "is not a valid path: " + e.getReason()));
      } catch (NoSuchFileException e) {
        problems.add(problem(argument, "no such file or directory"));
      } catch (IOException e) {
        problems.add(problem(argument, "cannot be read: " + e.getMessage()));
      }
    }
    return sources;
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  private static Violation problem(String argument, String reason) {
    return new Violation(Optional.of(argument), Optional.empty(), Optional.empty(), reason);
  }
}
