package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.controller.FederationController;
import io.fleetfed.core.FederationException;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No published module uses another module's {@code internal} packages: they meet only through public API and the
 * documented SPI ({@code io.fleetfed.core.cluster}). Checked on the compiled classes of core, tekton, the testkit, the
 * controller and the CLI, whose constant pools name every class they refer to.
 */
class ModuleBoundariesTest {
  private static final Pattern INTERNAL = Pattern.compile("io/fleetfed/(core|tekton|testkit|controller|cli)/[A-Za-z0-9_/$]*"
      + "internal/[A-Za-z0-9_/$]*");

  /** Each published module's root package, by a class it holds. */
  private static final Map<String, Class<?>> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("core", FederationException.class);
    MODULES.put("tekton", RunDispatcher.class);
    MODULES.put("testkit", FleetSandbox.class);
    MODULES.put("controller", FederationController.class);
    MODULES.put("cli", Main.class);
  }

  @Test
  @DisplayName("no module refers to another module's internal packages")
  void modulesMeetOnlyThroughApiAndSpi() throws Exception {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, Class<?>> m : MODULES.entrySet()) {
      for (Map.Entry<String, String> c : classes(m.getValue(), m.getKey()).entrySet()) {
        checked++;
        Matcher ref = INTERNAL.matcher(c.getValue());
        while (ref.find()) {
          if (!ref.group(1).equals(m.getKey())) {
            violations.add(m.getKey() + ": " + c.getKey() + " refers to " + ref.group());
          }
        }
      }
    }
    assertThat(checked).as("classes checked").isGreaterThan(200);
    assertThat(violations).isEmpty();
  }

  @Test
  @DisplayName("the check sees a module's references to internal packages (core's own)")
  void theCheckWouldSeeAReference() throws Exception {
    String facade = classes(FederationException.class, "core").get("io/fleetfed/core/fleet/ClusterFleet.class");
    assertThat(facade).isNotNull();
    Matcher ref = INTERNAL.matcher(facade);
    assertThat(ref.find()).isTrue();
    assertThat(ref.group()).startsWith("io/fleetfed/core/fleet/internal/");
  }

  /** Every class of {@code module} (in the directory or jar holding {@code anchor}), by path, as Latin-1 text. */
  private static Map<String, String> classes(Class<?> anchor, String module) throws IOException, URISyntaxException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    String root = "io/fleetfed/" + module + "/";
    Map<String, String> classes = new LinkedHashMap<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location.resolve(root))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          classes.put(location.relativize(f).toString().replace('\\', '/'),
              new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
      }
      return classes;
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      for (JarEntry e : jar.stream().filter(e -> e.getName().startsWith(root) && e.getName().endsWith(".class"))
          .toList()) {
        try (InputStream in = jar.getInputStream(e)) {
          classes.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
      }
    }
    return classes;
  }
}
