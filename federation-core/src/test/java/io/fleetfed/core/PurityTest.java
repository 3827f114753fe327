package io.fleetfed.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pure packages (and planning, the pure room of the fleet) do no I/O, start no threads and use no Kubernetes client: checked on the compiled classes,
 * whose constant pools name every class they refer to.
 */
class PurityTest {
  private static final List<String> PURE = List.of("model", "render", "kubefed", "schedule", "internal",
      "fleet/internal/plan");
  private static final List<String> FORBIDDEN = List.of(
      "io/fabric8/", "java/io/File", "java/nio/file/", "java/nio/channels/", "java/net/", "java/lang/Thread",
      "java/util/concurrent/Executor", "java/util/concurrent/CompletableFuture", "java/util/concurrent/ForkJoin",
      "java/lang/ProcessBuilder", "java/lang/Runtime", "java/util/Timer", "java/lang/System");

  @Test
  @DisplayName("model, render, kubefed, schedule, internal and the fleet's plan refer to no I/O, thread or fabric8 class")
  void purePackagesStayPure() throws IOException, URISyntaxException {
    Path classes = Path.of(FederationException.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/fleetfed/core");
    List<String> violations = new ArrayList<>();
    int checked = 0;
    for (String pkg : PURE) {
      try (Stream<Path> files = Files.walk(classes.resolve(pkg))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
          checked++;
          String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          for (String forbidden : FORBIDDEN) {
            if (constants.contains(forbidden)) {
              violations.add(classes.relativize(file) + " refers to " + forbidden);
            }
          }
        }
      }
    }
    assertThat(checked).as("classes checked").isGreaterThan(30);
    assertThat(violations).isEmpty();
  }

  @Test
  @DisplayName("the check would catch a class that refers to java.nio.file")
  void checkDetectsForbiddenReference() throws IOException, URISyntaxException {
    Path self = Path.of(PurityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/fleetfed/core/PurityTest.class");
    String constants = new String(Files.readAllBytes(self), StandardCharsets.ISO_8859_1);
    assertThat(constants).contains("java/nio/file/");
  }
}
