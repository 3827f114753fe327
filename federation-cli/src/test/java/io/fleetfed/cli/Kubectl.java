package io.fleetfed.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** kubectl as a process, as a user runs it, against a kubeconfig the test wrote (a sandbox's). */
final class Kubectl {
  private Kubectl() {}

  /** kubectl on the PATH, if there is one. */
  static Optional<Path> path() {
    return onPath("kubectl");
  }

  /** An executable named {@code command} on the PATH, if there is one. */
  static Optional<Path> onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, command)).filter(Files::isExecutable).findFirst();
  }

  /** Runs {@code kubectl --kubeconfig <kubeconfig> args…} and waits for it (at most 60 s). */
  static FleetfedJar.Result run(Path kubeconfig, String... args) {
    return run(kubeconfig, "", Duration.ofSeconds(60), args);
  }

  /** Runs {@code kubectl --kubeconfig <kubeconfig> args…} with {@code stdin} and waits up to {@code timeout}. */
  static FleetfedJar.Result run(Path kubeconfig, String stdin, Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(path().orElseThrow().toString(), "--kubeconfig",
        kubeconfig.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> FleetfedJar.drain(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> FleetfedJar.drain(p.getErrorStream()));
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in "
            + timeout.toSeconds() + " s");
      }
      return new FleetfedJar.Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
