package io.fleetfed.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Runs the shaded {@code fleetfed.jar} as a separate process, as a user would. */
final class FleetfedJar {
  /** The outcome of one run. */
  record Result(int exitCode, String stdout, String stderr) {
    List<String> stderrLines() {
      return stderr.isEmpty() ? List.of() : List.of(stderr.split("\\R"));
    }
  }

  /** Commands that load the Kubernetes client, and end normally: one of them records the class-data archive. */
  private static final Set<String> FLEET_COMMANDS =
      Set.of("apply", "delete", "status", "clusters", "join", "unjoin", "cordon", "uncordon", "drain");
  private static boolean archiving;

  private FleetfedJar() {}

  /**
   * JVM options that make the many short runs of the tests cheaper without changing what they print: the client
   * compiler only, the serial collector, and a class-data archive of the jar's classes (recorded at the end of the
   * first fleet command, then shared by every later run). All JVM logging is off, so that a stale or refused
   * archive costs time but never output.
   */
  private static synchronized List<String> startupOptions(Path jar, boolean fleetCommand) throws IOException {
    List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:disable"));
    Path archive = jar.resolveSibling("fleetfed-it.jsa");
    if (Files.isRegularFile(archive)
        && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
      options.add("-XX:SharedArchiveFile=" + archive);
    } else if (fleetCommand && !archiving) {
      archiving = true;
      Files.deleteIfExists(archive);
      options.add("-XX:ArchiveClassesAtExit=" + archive);
    }
    return options;
  }

  static Result run(Path workingDirectory, String... args) {
    return runWithStdin(workingDirectory, "", args);
  }

  static Result runWithStdin(Path workingDirectory, String stdin, String... args) {
    return run(workingDirectory, Map.of(), stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Runs with {@code stdin} as the bytes of standard input, which need not be UTF-8. */
  static Result runWithStdinBytes(Path workingDirectory, byte[] stdin, String... args) {
    return run(workingDirectory, Map.of(), stdin, args);
  }

  /** Runs with {@code environment} added to (or, for null values, removed from) this JVM's environment. */
  static Result runWithEnvironment(Path workingDirectory, Map<String, String> environment, String... args) {
    return run(workingDirectory, environment, new byte[0], args);
  }

  /**
   * Starts a long-running command, such as {@code sandbox}, reading its output as it comes; stop it with
   * {@link Running#stop()}.
   */
  static Running start(Path workingDirectory, String... args) {
    try {
      return new Running(process(workingDirectory, Map.of(), args), String.join(" ", args));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Process process(Path workingDirectory, Map<String, String> environment, String... args)
      throws IOException {
    Path jar = Path.of(System.getProperty("fleetfed.jar", "target/fleetfed.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("fleetfed.jar not found at " + jar + "; run mvn verify");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(startupOptions(jar, args.length > 0 && FLEET_COMMANDS.contains(args[0])));
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
    environment.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    return builder.start();
  }

  private static Result run(Path workingDirectory, Map<String, String> environment, byte[] stdin, String... args) {
    try {
      Process process = process(workingDirectory, environment, args);
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
      process.getOutputStream().write(stdin);
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("fleetfed " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A command still running, whose stdout and stderr are collected line by line as they come. */
  static final class Running {
    private final Process process;
    private final String description;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread[] readers;
    /** Notified on every line read and when a stream ends. */
    private final Object output = new Object();

    private Running(Process process, String description) throws IOException {
      this.process = process;
      this.description = description;
      this.readers = new Thread[] {reader(process.getInputStream(), stdout), reader(process.getErrorStream(), stderr)};
      process.getOutputStream().close();
    }

    private Thread reader(InputStream in, List<String> lines) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            synchronized (output) {
              lines.add(line);
              output.notifyAll();
            }
          }
        } catch (IOException e) {
          // the process ended
        } finally {
          synchronized (output) {
            output.notifyAll();
          }
        }
      });
      t.setDaemon(true);
      t.start();
      return t;
    }

    /** Waits until stdout has a line starting with {@code prefix}, woken by each line read, and returns it. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (output) {
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
          for (String line : stdout) {
            if (line.startsWith(prefix)) {
              return line;
            }
          }
          if (!readers[0].isAlive()) {   // stdout has ended: the line will never come
            process.waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("fleetfed " + description + " ended"
                + (process.isAlive() ? "" : " with " + process.exitValue()) + " before printing '" + prefix
                + "'; stdout: " + stdout + "; stderr: " + stderr);
          }
          TimeUnit.NANOSECONDS.timedWait(output, left);
        }
      }
      throw new IllegalStateException("fleetfed " + description + " did not print '" + prefix + "' within "
          + timeout + "; stdout: " + stdout + "; stderr: " + stderr);
    }

    /**
     * Waits until stderr has a line containing {@code fragment}, woken by each line read, and returns it; for
     * commands that log on stderr, such as {@code controller}.
     */
    String awaitErrLine(String fragment, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (output) {
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
          for (String line : stderr) {
            if (line.contains(fragment)) {
              return line;
            }
          }
          if (!readers[1].isAlive()) {   // stderr has ended: the line will never come
            process.waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("fleetfed " + description + " ended"
                + (process.isAlive() ? "" : " with " + process.exitValue()) + " before logging '" + fragment
                + "'; stdout: " + stdout + "; stderr: " + stderr);
          }
          TimeUnit.NANOSECONDS.timedWait(output, left);
        }
      }
      throw new IllegalStateException("fleetfed " + description + " did not log '" + fragment + "' within "
          + timeout + "; stderr: " + stderr);
    }

    /** What stderr held so far, line by line. */
    List<String> stderrLines() {
      return List.copyOf(stderr);
    }

    /** Kills the process as {@code kill -9} would (SIGKILL: no shutdown hook runs) and waits until it is gone. */
    int kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("fleetfed " + description + " did not die within 30 s of SIGKILL");
      }
      return process.exitValue();
    }

    /**
     * Stops the process as kill would (SIGTERM, as {@link Process#destroy()} sends), and returns its outcome with
     * what it printed while stopping ({@code Process.destroy()} itself would close the streams first).
     */
    Result stop() throws InterruptedException {
      process.toHandle().destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("fleetfed " + description + " did not stop within 30 s of SIGTERM");
      }
      for (Thread reader : readers) {
        reader.join(5000);
      }
      return new Result(process.exitValue(), String.join("\n", stdout), String.join("\n", stderr));
    }
  }

  /** Everything {@code in} holds until it ends, as UTF-8; closes it. */
  static String drain(InputStream in) {
    try (in) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
