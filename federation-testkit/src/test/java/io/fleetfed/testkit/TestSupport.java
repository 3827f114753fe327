package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Helpers shared by the tests. */
final class TestSupport {

  /** How long any await in these tests may take before the test fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private TestSupport() {
  }

  static ConfigMap configMap(String namespace, String name) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .addToData("key", "value").build();
  }

  static CustomResourceDefinition crd(String group, String kind, String plural, String scope) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec().withGroup(group).withScope(scope)
        .withNewNames().withKind(kind).withPlural(plural).endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build();
  }

  /** A GET with the cluster's token, over http (mock) or https trusting the cluster's CA (real). */
  static HttpResponse<String> get(SandboxCluster cluster, String path) throws IOException, InterruptedException {
    return http(cluster).send(HttpRequest.newBuilder(uri(cluster, path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + cluster.config().getOauthToken()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(SandboxCluster cluster, String path) {
    return URI.create(cluster.url() + (path.startsWith("/") ? path.substring(1) : path));
  }

  /** A JDK client for the cluster: {@link #HTTP} for a mock, one trusting only its CA for a real one. */
  static HttpClient http(SandboxCluster cluster) {
    String caData = cluster.config().getCaCertData();
    if (caData == null) {
      return HTTP;
    }
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(caData)))) {
        trusted.setCertificateEntry("ca" + i++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
          .sslContext(tls).build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot trust the CA of " + cluster.name(), e);
    }
  }

  /** Creates a namespace unless it exists: real API servers refuse objects in namespaces that do not exist. */
  static void namespace(KubernetesClient client, String name) {
    if (client.namespaces().withName(name).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  /** Waits for a condition, failing the test if it does not hold within {@link #TIMEOUT}. */
  static void await(String what, BooleanSupplier condition) {
    Await.until(TIMEOUT, what, condition);
  }

  /** A JSON array of a simulated run as a list. */
  static List<Object> list(Object value) {
    return new ArrayList<>(Json.list(value));
  }

  /** The value at {@code path} in {@code object}. */
  static Object at(GenericKubernetesResource object, String... path) {
    return Json.at(object.getAdditionalProperties(), path);
  }

  /** The run's one condition, asserting there is one. */
  static Map<String, Object> condition(GenericKubernetesResource object) {
    List<?> conditions = Json.list(at(object, "status", "conditions"));
    assertThat(conditions).hasSize(1);
    return Json.copy(Json.map(conditions.get(0)));
  }

  /** Waits until the object {@code read} returns (named {@code what}) passes {@code done}; returns it. */
  static GenericKubernetesResource awaitState(String what, Supplier<GenericKubernetesResource> read,
      Predicate<GenericKubernetesResource> done) {
    AtomicReference<GenericKubernetesResource> seen = new AtomicReference<>();
    Await.until(TIMEOUT, what, () -> {
      GenericKubernetesResource object = read.get();
      seen.set(object);
      return object != null && done.test(object);
    });
    return seen.get();
  }
}
