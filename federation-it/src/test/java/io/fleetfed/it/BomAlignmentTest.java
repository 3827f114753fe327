package io.fleetfed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * fleetfed-bom and the build agree: the BOM is the parent POM's parent, so the build inherits the versions a consumer
 * gets by importing it, and no POM of the build overrides one of them (which would build fleetfed against a version
 * the BOM then hands consumers another of). The BOM manages exactly the published modules, those that attach
 * sources and javadoc. What a consumer resolves with the BOM is proven by the invoker's projects in src/it.
 */
class BomAlignmentTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..");

  @Test
  @DisplayName("the parent POM inherits from fleetfed-bom, which has no parent, at the same version")
  void parentInheritsTheBom() throws Exception {
    Document root = read(ROOT.resolve("pom.xml"));
    Document bom = read(ROOT.resolve("fleetfed-bom/pom.xml"));

    assertThat(child(bom.getDocumentElement(), "parent")).as("fleetfed-bom's parent").isNull();
    assertThat(text(bom.getDocumentElement(), "packaging")).isEqualTo("pom");
    Element parent = child(root.getDocumentElement(), "parent");
    assertThat(parent).as("fleetfed-parent's parent").isNotNull();
    assertThat(text(parent, "groupId") + ":" + text(parent, "artifactId") + ":" + text(parent, "version"))
        .isEqualTo("io.fleetfed:fleetfed-bom:" + text(root.getDocumentElement(), "version"));
    assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(text(root.getDocumentElement(), "version"));
    assertThat(text(parent, "relativePath")).isEqualTo("fleetfed-bom/pom.xml");
  }

  @Test
  @DisplayName("the BOM manages exactly the modules that publish sources and javadoc, at the project's version")
  void bomManagesThePublishedModules() throws Exception {
    Document bom = read(ROOT.resolve("fleetfed-bom/pom.xml"));
    Set<String> managed = new TreeSet<>();
    for (Element d : managedDependencies(bom)) {
      if (text(d, "groupId").equals("io.fleetfed")) {
        assertThat(text(d, "version")).as(text(d, "artifactId")).isEqualTo("${project.version}");
        managed.add(text(d, "artifactId"));
      }
    }
    Set<String> published = new TreeSet<>();
    for (Map.Entry<String, Document> module : modules().entrySet()) {
      if (declaresPlugin(module.getValue(), "maven-javadoc-plugin")
          && declaresPlugin(module.getValue(), "maven-source-plugin")) {
        published.add(module.getKey());
      }
    }
    assertThat(published).contains("federation-core", "federation-tekton", "federation-testkit",
        "federation-controller");
    assertThat(managed).isEqualTo(published);
  }

  @Test
  @DisplayName("no POM of the build overrides a version or a version property fleetfed-bom manages")
  void noPomOverridesTheBom() throws Exception {
    Map<String, Document> poms = new LinkedHashMap<>();
    poms.put("pom.xml", read(ROOT.resolve("pom.xml")));
    modules().forEach((name, pom) -> poms.put(name + "/pom.xml", pom));

    assertThat(overrides(read(ROOT.resolve("fleetfed-bom/pom.xml")), poms))
        .as("versions fleetfed-bom manages are set in fleetfed-bom/pom.xml only").isEmpty();
  }

  @Test
  @DisplayName("the check sees an override: a managed artifact, an imported BOM's group, a version property")
  void theCheckWouldSeeAnOverride() throws Exception {
    Document bom = parse("<project><properties><jackson.version>2.21.4</jackson.version></properties>"
        + "<dependencyManagement><dependencies>"
        + "<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version>"
        + "</dependency>"
        + "<dependency><groupId>com.fasterxml.jackson</groupId><artifactId>jackson-bom</artifactId>"
        + "<version>${jackson.version}</version><type>pom</type><scope>import</scope></dependency>"
        + "</dependencies></dependencyManagement></project>");
    Document pom = parse("<project><properties><jackson.version>2.22.0</jackson.version></properties>"
        + "<dependencyManagement><dependencies>"
        + "<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.18</version>"
        + "</dependency></dependencies></dependencyManagement><dependencies>"
        + "<dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-core</artifactId>"
        + "<version>2.22.0</version></dependency>"
        + "<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version>"
        + "</dependency></dependencies></project>");

    assertThat(overrides(bom, Map.of("x/pom.xml", pom))).containsExactlyInAnyOrder(
        "x/pom.xml: property jackson.version is fleetfed-bom's",
        "x/pom.xml: org.slf4j:slf4j-api has a version, but fleetfed-bom manages it",
        "x/pom.xml: com.fasterxml.jackson.core:jackson-core has a version, but fleetfed-bom's import of "
            + "com.fasterxml.jackson:jackson-bom manages it");
  }

  /** What each POM overrides of what the BOM manages, one line per finding naming the POM. */
  private static List<String> overrides(Document bom, Map<String, Document> poms) {
    Set<String> artifacts = new TreeSet<>();
    Map<String, String> importedGroups = new LinkedHashMap<>();
    for (Element d : managedDependencies(bom)) {
      String ga = text(d, "groupId") + ":" + text(d, "artifactId");
      if ("import".equals(text(d, "scope"))) {
        importedGroups.put(text(d, "groupId"), ga);
      } else {
        artifacts.add(ga);
      }
    }
    Set<String> properties = new TreeSet<>();
    Element bomProperties = child(bom.getDocumentElement(), "properties");
    if (bomProperties != null) {
      children(bomProperties).forEach(p -> properties.add(p.getTagName()));
    }

    List<String> found = new ArrayList<>();
    for (Map.Entry<String, Document> pom : poms.entrySet()) {
      Element project = pom.getValue().getDocumentElement();
      Element pomProperties = child(project, "properties");
      if (pomProperties != null) {
        for (Element p : children(pomProperties)) {
          if (properties.contains(p.getTagName())) {
            found.add(pom.getKey() + ": property " + p.getTagName() + " is fleetfed-bom's");
          }
        }
      }
      List<Element> declared = new ArrayList<>(managedDependencies(pom.getValue()));
      declared.addAll(dependencies(child(project, "dependencies")));
      for (Element d : declared) {
        if (text(d, "version").isEmpty()) {
          continue;
        }
        String group = text(d, "groupId");
        String ga = group + ":" + text(d, "artifactId");
        if (artifacts.contains(ga)) {
          found.add(pom.getKey() + ": " + ga + " has a version, but fleetfed-bom manages it");
        }
        for (Map.Entry<String, String> imported : importedGroups.entrySet()) {
          if (group.equals(imported.getKey()) || group.startsWith(imported.getKey() + ".")) {
            if (!ga.equals(imported.getValue())) {
              found.add(pom.getKey() + ": " + ga + " has a version, but fleetfed-bom's import of "
                  + imported.getValue() + " manages it");
            }
          }
        }
      }
    }
    return found;
  }

  /** The root POM's modules but the BOM, by directory name. */
  private static Map<String, Document> modules() throws Exception {
    Map<String, Document> modules = new LinkedHashMap<>();
    for (Element m : children(child(read(ROOT.resolve("pom.xml")).getDocumentElement(), "modules"))) {
      if (!m.getTextContent().trim().equals("fleetfed-bom")) {
        modules.put(m.getTextContent().trim(), read(ROOT.resolve(m.getTextContent().trim()).resolve("pom.xml")));
      }
    }
    assertThat(modules).as("modules of %s", ROOT.resolve("pom.xml")).hasSizeGreaterThan(5);
    return modules;
  }

  private static boolean declaresPlugin(Document pom, String artifactId) {
    Element build = child(pom.getDocumentElement(), "build");
    Element plugins = build == null ? null : child(build, "plugins");
    return plugins != null && children(plugins).stream().anyMatch(p -> text(p, "artifactId").equals(artifactId));
  }

  private static List<Element> managedDependencies(Document pom) {
    Element management = child(pom.getDocumentElement(), "dependencyManagement");
    return management == null ? List.of() : dependencies(child(management, "dependencies"));
  }

  private static List<Element> dependencies(Element dependencies) {
    return dependencies == null ? List.of() : children(dependencies);
  }

  private static Document read(Path pom) throws Exception {
    assertThat(pom).isRegularFile();
    return parse(Files.readString(pom));
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> children(Element parent) {
    List<Element> children = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        children.add(e);
      }
    }
    return children;
  }

  private static Element child(Element parent, String name) {
    return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst().orElse(null);
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? "" : e.getTextContent().trim();
  }
}
