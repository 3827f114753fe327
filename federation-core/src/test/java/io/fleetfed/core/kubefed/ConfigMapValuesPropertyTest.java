package io.fleetfed.core.kubefed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Whatever string a ConfigMap holds, writing and reading the FederatedConfigMap gives the same string back. */
class ConfigMapValuesPropertyTest {
  /** Strings that YAML reads as something else, or mangles, when written without care. */
  private static final List<String> TRICKY = List.of("true", "false", "True", "FALSE", "yes", "no", "Yes", "NO",
      "on", "off", "On", "OFF", "y", "n", "Y", "N", "null", "Null", "NULL", "~", "", " ", "  ", "2", "-2", "+2",
      "1.0", "1.", ".5", "-.5", "0x1F", "0X1f", "-0x1F", "0o17", "017", "08", "0b101", "1_000", "1e3", "1E-3",
      "6.02e+23", ".inf", "-.Inf", ".NaN", "1:20", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
      "<<", "=", "-", "--", "---", "...", "- x", "? x", ": x", "a: b", "a:b", "http://x:80/#y", "a #b", "#x",
      "a#b", "  leading", "trailing  ", "\tx", "x\t", "a\nb", "a\nb\n", "a\n\n", "\n", "\n\n", "\nx", "  a\nb",
      "a \nb", "a\r\nb", "\r", "'", "\"", "''", "\"\"", "\\", "\\n", "[a]", "{a: b}", "*a", "&a", "!a", "!!str",
      "%a", "@a", "`a`", "|", ">", "| a", "> a", ",", "[", "]", "{", "}", "\u00e9", "\u6771\u4eac",
      "\ud83d\ude00", "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029",
      "\ufeff", "\ufeffx", "x\u0085y", "a\n\u0085", "\u0085\nb", "a\r\nb\r\n", "\ud800\udc00");

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> tricky = Arbitraries.of(TRICKY);
    Arbitrary<String> unicode = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
        .list().ofMaxSize(12)
        .map(cps -> cps.stream().map(Character::toString).collect(Collectors.joining()));
    Arbitrary<String> yamlish = Arbitraries.strings().withChars(" \t\n:#-?[]{},&*!|>'\"%@`~.0123456789xeEyYnN")
        .ofMaxLength(12);
    Arbitrary<String> mixed = Arbitraries.oneOf(tricky, unicode, yamlish).list().ofMinSize(1).ofMaxSize(3)
        .map(parts -> String.join("", parts));
    return Arbitraries.frequencyOf(
        Tuple.of(3, tricky), Tuple.of(3, unicode), Tuple.of(2, yamlish),
        Tuple.of(3, mixed));
  }

  @Provide
  Arbitrary<Map<String, String>> data() {
    Arbitrary<String> keys = Arbitraries.oneOf(
        Arbitraries.of("true", "yes", "on", "off", "null", "2", "1.0", "0x1F", "1e3", ".inf", "1_000", "y", "N",
            "x\u0085y", "#x", "a: b", "-"),
        Arbitraries.strings().withCharRange('a', 'z').withChars("-._0123456789").ofMinLength(1).ofMaxLength(8));
    return Arbitraries.maps(keys, values()).ofMaxSize(6);
  }

  @Property(tries = 1000)
  void aValueWrittenAndReadBackIsTheSameString(@ForAll("values") String value) {
    ObjectNode template = JsonNodeFactory.instance.objectNode();
    template.putObject("data").put("value", value);

    JsonNode back = roundTrip(template).get("data").get("value");

    assertThat(back.isTextual()).as("%s read back as %s", quoted(value), back).isTrue();
    assertThat(back.asText()).isEqualTo(value);
  }

  @Property(tries = 300)
  void aWholeDataMapWrittenAndReadBackIsTheSame(@ForAll("data") Map<String, String> data) {
    ObjectNode template = JsonNodeFactory.instance.objectNode();
    ObjectNode node = template.putObject("data");
    data.forEach(node::put);

    JsonNode back = roundTrip(template);

    assertThat(back).isEqualTo(template);
  }

  @Property(tries = 500)
  void aYaml11ReaderReadsTheWrittenValueAsTheSameString(@ForAll("values") String value) {
    ObjectNode template = JsonNodeFactory.instance.objectNode();
    template.putObject("data").put(value.isEmpty() ? "empty" : "value", value);
    String yaml = KubeFedYaml.writeYaml(KubeFedYaml.toTree(new FederatedObject(configMap(template)),
        TypeRegistry.builtIn()));

    Map<?, ?> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) document.get("spec")).get("template")).get("data");

    assertThat(List.<Object>copyOf(data.values())).as("%s written as\n%s", quoted(value), yaml).containsExactly(value);
  }

  private static FederatedResource configMap(ObjectNode template) {
    return FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace("ci").name("settings")
        .template(template).placement(Placement.clusters("dev2")).build();
  }

  private static ObjectNode roundTrip(ObjectNode template) {
    FederatedResource resource = configMap(template);
    String yaml = KubeFedYaml.write(List.of(new FederatedObject(resource)), TypeRegistry.builtIn());
    FederatedResource back = KubeFedYaml.read("written.yaml", yaml, TypeRegistry.builtIn()).resources().get(0);
    assertThat(back.template()).as("template read back from\n%s", yaml).isEqualTo(resource.template());
    assertThat(back).isEqualTo(resource);
    return back.template();
  }

  private static String quoted(String value) {
    return value.codePoints().mapToObj(cp -> cp >= 0x20 && cp < 0x7f ? Character.toString(cp)
        : String.format("\\u{%x}", cp)).collect(Collectors.joining("", "\"", "\""));
  }
}
