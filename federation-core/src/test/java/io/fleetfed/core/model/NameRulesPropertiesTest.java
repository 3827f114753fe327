package io.fleetfed.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The model accepts exactly the names Kubernetes accepts: cluster names, object names by kind, label keys and
 * values, and API groups are checked here against the Kubernetes regular expressions (k8s.io/apimachinery validation).
 */
class NameRulesPropertiesTest {
  static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  static boolean isLabel(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
  }

  static boolean isSubdomain(String s) {
    return s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches();
  }

  /** Kubernetes' IsQualifiedName: {@code [prefix/]name}. */
  static boolean isLabelKey(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length > 2) {
      return false;
    }
    String name = parts[parts.length - 1];
    boolean prefixOk = parts.length == 1 || isSubdomain(parts[0]);
    return prefixOk && !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
  }

  static boolean isLabelValue(String value) {
    return value.isEmpty() || value.length() <= 63 && QUALIFIED_NAME.matcher(value).matches();
  }

  @Property(tries = 400)
  void clusterNamesAreDns1123Labels(@ForAll("names") String name) {
    assertThat(ClusterNames.isValid(name)).as(name).isEqualTo(isLabel(name));
    assertThat(ClusterNames.problem(name).isEmpty()).isEqualTo(isLabel(name));
    ClusterNames.suggest(name).ifPresent(s -> assertThat(isLabel(s)).as("suggestion " + s).isTrue());
  }

  @Property(tries = 400)
  void labelsAreKubernetesLabels(@ForAll("names") String key, @ForAll("names") String value) {
    boolean accepted;
    try {
      LabelSelector.matchLabels(Map.of(key, value));
      accepted = true;
    } catch (ValidationException e) {
      accepted = false;
    }
    assertThat(accepted).as("label %s=%s", key, value).isEqualTo(isLabelKey(key) && isLabelValue(value));
  }

  @Property(tries = 400)
  void objectNamesFollowTheirKindsRule(@ForAll("names") String name) {
    assertThat(accepted(ResourceType.namespaced("apps", "v1", "Deployment", "deployments"), name)).as(name)
        .isEqualTo(isSubdomain(name));
    assertThat(accepted(ResourceType.namespaced("example.com", "v1", "Widget", "widgets"), name)).as(name)
        .isEqualTo(isSubdomain(name));
    assertThat(accepted(ResourceType.namespaced("", "v1", "Service", "services"), name)).as(name)
        .isEqualTo(name.length() <= 63 && DNS1035_LABEL.matcher(name).matches());
    assertThat(accepted(ResourceType.cluster("", "v1", "Namespace", "namespaces"), name)).as(name)
        .isEqualTo(isLabel(name));
  }

  private static boolean accepted(ResourceType type, String name) {
    try {
      FederatedResource.Builder b = FederatedResource.builder(type).name(name);
      (type.isNamespaced() && !type.isNamespace() ? b.namespace("web") : b).build();
      return true;
    } catch (ValidationException e) {
      return false;
    }
  }

  @Property(tries = 300)
  void apiGroupsAreDns1123Subdomains(@ForAll("names") String group) {
    boolean accepted;
    try {
      ResourceType.namespaced(group, "v1", "Thing", "things");
      accepted = true;
    } catch (ValidationException e) {
      accepted = false;
    }
    assertThat(accepted).as(group).isEqualTo(group.isEmpty() || isSubdomain(group));
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<Character> usual = Arbitraries.of('a', 'b', 'z', '0', '9', '-', '.');
    Arbitrary<Character> any = Arbitraries.of('a', 'Z', '0', '-', '_', '.', '/', '@', ' ', ':', '~', 'é');
    Arbitrary<String> lowers = Arbitraries.strings().withChars("abz09-.").ofMinLength(60).ofMaxLength(66);
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().withCharRange('a', 'c').withChars("0-.").ofMaxLength(8)),
        Tuple.of(3, usual.list().ofMaxSize(10).map(NameRulesPropertiesTest::join)),
        Tuple.of(3, any.list().ofMaxSize(10).map(NameRulesPropertiesTest::join)),
        Tuple.of(1, lowers),
        Tuple.of(1, Arbitraries.of(List.of("a".repeat(63), "a".repeat(64), "a.".repeat(126) + "a",
            "a.".repeat(126) + "ab", "example.com/" + "n".repeat(63), "example.com/" + "n".repeat(64), "a/", "/a",
            "a/b/c", "A-Z_9.x", "-a", "a-", ".a", "a..b", "a.", "x".repeat(253) + "/a"))),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(6)));
  }

  static String join(List<Character> chars) {
    StringBuilder s = new StringBuilder();
    chars.forEach(s::append);
    return s.toString();
  }
}
