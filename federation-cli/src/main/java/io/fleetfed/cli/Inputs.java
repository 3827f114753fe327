package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.kubefed.InputLimits;
import io.fleetfed.core.kubefed.YamlSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code -f} arguments the way kubectl does: files, directories of YAML/JSON files, or {@code -} for stdin.
 * Each source is read within {@link InputLimits#DEFAULT} (at most one byte past its size limit, so that
 * {@code -f /dev/zero} ends at once) and must be UTF-8; each problem names the file it is about, a file inside a
 * directory by its own name.
 */
final class Inputs {
  private final InputStream stdin;
  private final InputLimits limits;
  /** Whether {@code -} was read already: standard input has only one content. */
  private boolean stdinRead;

  /** Inputs of one command run, reading {@code -} from {@code stdin}. */
  Inputs(InputStream stdin) {
    this.stdin = stdin;
    this.limits = InputLimits.DEFAULT;
  }

  /** Reads every argument that can be read; adds a problem naming each one that cannot. */
  List<YamlSource> read(List<String> arguments, List<Violation> problems) {
    List<YamlSource> sources = new ArrayList<>();
    for (String argument : arguments) {
      if (argument.equals("-")) {
        if (stdinRead) {
          problems.add(problem(argument, "standard input can be read only once"));
        } else {
          stdinRead = true;
          read("<stdin>", () -> stdin, false, sources, problems);
        }
        continue;
      }
      Path path;
      try {
        path = Path.of(argument);
      } catch (InvalidPathException e) {
        problems.add(problem(argument.replace('\0', '?'), "is not a valid path: " + e.getReason()));
        continue;
      }
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> listed = Files.list(path)) {
          files = listed.filter(Inputs::isManifest).sorted().collect(Collectors.toList());
        } catch (IOException e) {
          problems.add(problem(argument, "cannot be listed: " + reason(e)));
          continue;
        }
        for (Path file : files) {
          read(file.toString(), () -> Files.newInputStream(file), true, sources, problems);
        }
      } else {
        read(argument, () -> Files.newInputStream(path), true, sources, problems);
      }
    }
    return sources;
  }

  /** Where a source's bytes come from. */
  private interface Opener {
    InputStream open() throws IOException;
  }

  private void read(String name, Opener opener, boolean close, List<YamlSource> sources, List<Violation> problems) {
    try {
      InputStream in = opener.open();
      try {
        sources.add(YamlSource.read(name, in, limits));
      } finally {
        if (close) {
          in.close();
        }
      }
    } catch (ValidationException e) {
      problems.addAll(e.violations());
    } catch (NoSuchFileException e) {
      problems.add(problem(name, "no such file or directory"));
    } catch (AccessDeniedException e) {
      problems.add(problem(name, "cannot be read: permission denied"));
    } catch (IOException e) {
      problems.add(problem(name, "cannot be read: " + reason(e)));
    }
  }

  /** What went wrong, without the path that messages name already. */
  private static String reason(IOException e) {
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  private static Violation problem(String argument, String reason) {
    return new Violation(Optional.of(argument), Optional.empty(), Optional.empty(), reason);
  }
}
