package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Writes the kubeconfig of a sandbox: one cluster, user and context per sandbox cluster. */
public final class Kubeconfigs {

  private Kubeconfigs() {
  }

  /**
   * The kubeconfig text: for each cluster a cluster entry (its URL, and its CA's certificate for {@code https}), a user {@code <name>-admin} with its token,
   * and a context named after the cluster in namespace {@code default}; the first is the current context.
   *
   * @param clusters the clusters, at least one
   * @return YAML
   */
  public static String render(List<ClusterServer> clusters) {
    List<NamedCluster> namedClusters = new ArrayList<>();
    List<NamedAuthInfo> users = new ArrayList<>();
    List<NamedContext> contexts = new ArrayList<>();
    for (ClusterServer c : clusters) {
      namedClusters.add(new NamedClusterBuilder().withName(c.name())
          .withNewCluster().withServer(c.url())
          .withCertificateAuthorityData(c.caPem().map(pem -> Base64.getEncoder().encodeToString(
              pem.getBytes(StandardCharsets.US_ASCII))).orElse(null))
          .endCluster().build());
      users.add(new NamedAuthInfoBuilder().withName(c.name() + ClusterServer.USER_SUFFIX)
          .withNewUser().withToken(c.token()).endUser().build());
      contexts.add(new NamedContextBuilder().withName(c.name())
          .withNewContext().withCluster(c.name()).withUser(c.name() + ClusterServer.USER_SUFFIX)
          .withNamespace(ClusterServer.DEFAULT_NAMESPACE).endContext().build());
    }
    io.fabric8.kubernetes.api.model.Config config = new io.fabric8.kubernetes.api.model.ConfigBuilder()
        .withApiVersion("v1")
        .withKind("Config")
        .withClusters(namedClusters)
        .withUsers(users)
        .withContexts(contexts)
        .withCurrentContext(clusters.get(0).name())
        .build();
    return new KubernetesSerialization().asYaml(config);
  }

  /**
   * Writes the kubeconfig, readable by its owner only where the file system allows, replacing the file whole.
   *
   * @param clusters the clusters
   * @param target the file
   * @throws IOException if it cannot be written
   */
  public static void write(List<ClusterServer> clusters, Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path temp = Files.createTempFile(dir, ".kubeconfig", ".tmp");
    try {
      restrict(temp);
      Files.writeString(temp, render(clusters), StandardCharsets.UTF_8);
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * A new, empty temporary file for a kubeconfig, readable by its owner only where the file system allows.
   *
   * @return the file
   * @throws IOException if it cannot be created
   */
  public static Path newTempFile() throws IOException {
    Path file = Files.createTempFile("fleetfed-sandbox-", ".kubeconfig");
    restrict(file);
    return file;
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep its defaults
    }
  }
}
