package io.fleetfed.core.fleet.internal.members;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.ClusterNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubeconfig files merged as {@code KUBECONFIG=a:b} merges them: for each context, cluster and user name the
 * first file that defines it wins, as does the first {@code current-context}. Relative certificate and key
 * paths are resolved against the file that names them.
 */
public final class Kubeconfigs {
  private final List<Path> files;
  private final io.fabric8.kubernetes.api.model.Config merged;
  private final Map<String, Path> contextFiles = new LinkedHashMap<>();
  private final String current;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private Kubeconfigs(List<Path> files) {
    this.files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new ValidationException("kubeconfig", "no kubeconfig file given");
    }
    Map<String, NamedContext> contexts = new LinkedHashMap<>();
    Map<String, NamedCluster> clusters = new LinkedHashMap<>();
    Map<String, NamedAuthInfo> users = new LinkedHashMap<>();
    String current = null;
    List<Violation> problems = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        problems.add(new Violation(Optional.of(file.toString()), Optional.empty(), Optional.empty(),
            "kubeconfig file does not exist or is not a file"));
        continue;
      }
      io.fabric8.kubernetes.api.model.Config config;
      try {
        config = KubeConfigUtils.parseConfig(file.toFile());
      } catch (RuntimeException e) {
        // the parser's message quotes the file, which holds credentials: keep only where it stopped
        problems.add(new Violation(Optional.of(file.toString()), Optional.empty(), Optional.empty(),
            "not a readable kubeconfig" + position(e)));
        continue;
      }
      Path dir = file.toAbsolutePath().getParent();
      if (config.getContexts() != null) {
        for (NamedContext c : config.getContexts()) {
          if (c.getName() != null && contexts.putIfAbsent(c.getName(), c) == null) {
            contextFiles.put(c.getName(), file);
          }
        }
      }
      if (config.getClusters() != null) {
        for (NamedCluster c : config.getClusters()) {
          if (c.getName() != null && c.getCluster() != null) {
            Cluster cl = c.getCluster();
            cl.setCertificateAuthority(resolve(dir, cl.getCertificateAuthority()));
            clusters.putIfAbsent(c.getName(), c);
          }
        }
      }
      if (config.getUsers() != null) {
        for (NamedAuthInfo u : config.getUsers()) {
          if (u.getName() != null && u.getUser() != null) {
            AuthInfo a = u.getUser();
            a.setClientCertificate(resolve(dir, a.getClientCertificate()));
            a.setClientKey(resolve(dir, a.getClientKey()));
            a.setTokenFile(resolve(dir, a.getTokenFile()));
            users.putIfAbsent(u.getName(), u);
          }
        }
      }
      if (current == null && config.getCurrentContext() != null && !config.getCurrentContext().isEmpty()) {
        current = config.getCurrentContext();
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    this.merged = new io.fabric8.kubernetes.api.model.ConfigBuilder().withApiVersion("v1").withKind("Config")
        .withContexts(new ArrayList<>(contexts.values())).withClusters(new ArrayList<>(clusters.values()))
        .withUsers(new ArrayList<>(users.values())).withCurrentContext(current).build();
    this.current = current;
  }

  private static String position(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
        return " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return "";
  }

  private static String resolve(Path dir, String file) {
    if (file == null || file.isEmpty() || Path.of(file).isAbsolute() || dir == null) {
      return file;
    }
    return dir.resolve(file).toString();
  }

  public static Kubeconfigs load(List<Path> files) {
    return new Kubeconfigs(files);
  }

  /** Reads {@code KUBECONFIG} (split on the path separator) or, when unset, {@code ~/.kube/config}. */
  public static Kubeconfigs fromEnvironment() {
    String env = System.getenv("KUBECONFIG");
    List<Path> paths = new ArrayList<>();
    if (env != null && !env.isBlank()) {
      for (String p : env.split(java.io.File.pathSeparator)) {
        if (!p.isBlank() && Files.exists(Path.of(p))) {   // kubectl skips listed files that do not exist
          paths.add(Path.of(p));
        }
      }
      if (paths.isEmpty()) {
        throw new ValidationException("KUBECONFIG", "none of the files in KUBECONFIG exists: " + env);
      }
    } else {
      paths.add(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }
    return new Kubeconfigs(paths);
  }

  public List<String> contexts() {
    return merged.getContexts().stream().map(NamedContext::getName).toList();
  }

  public Optional<String> currentContext() {
    return Optional.ofNullable(merged.getCurrentContext()).filter(s -> !s.isEmpty());
  }

  public String describeFiles() {
    return files.stream().map(Path::toString).reduce((a, b) -> a + ":" + b).orElse("");
  }

  /**
   * The client configuration of {@code context}.
   *
   * @throws ValidationException if there is no such context, or its name is not a valid cluster name and no
   *     other name was given
   */
  public synchronized Config config(String context) {
    if (!contexts().contains(context)) {
      throw new ValidationException(List.of(new Violation(Optional.of(describeFiles()), Optional.empty(),
          Optional.of("contexts"), "no context named \"" + context + "\"; the contexts are " + contexts())));
    }
    NamedContext named = merged.getContexts().stream().filter(c -> c.getName().equals(context)).findFirst()
        .orElseThrow();
    String clusterRef = named.getContext() == null ? null : named.getContext().getCluster();
    if (clusterRef == null || merged.getClusters().stream().noneMatch(c -> c.getName().equals(clusterRef))) {
      throw new ValidationException(List.of(new Violation(Optional.of(describeFiles()),
          Optional.of("context " + context), Optional.of("contexts[].context.cluster"),
          "the context names cluster \"" + clusterRef + "\", which no kubeconfig file defines")));
    }
    String userRef = named.getContext().getUser();
    if (userRef != null && !userRef.isEmpty() && merged.getUsers().stream().noneMatch(u -> u.getName().equals(userRef))) {
      throw new ValidationException(List.of(new Violation(Optional.of(describeFiles()),
          Optional.of("context " + context), Optional.of("contexts[].context.user"),
          "the context names user \"" + userRef + "\", which no kubeconfig file defines")));
    }
    merged.setCurrentContext(context);
    try {
      return Config.fromKubeconfig(serialization.asYaml(merged));
    } finally {
      merged.setCurrentContext(current);
    }
  }

  /** Checks that {@code context} may name a cluster, naming the kubeconfig file in the error. */
  public void requireValidClusterName(String context) {
    Optional<String> problem = ClusterNames.problem(context);
    if (problem.isPresent()) {
      Path file = contextFiles.get(context);
      throw new ValidationException(List.of(new Violation(
          Optional.of(file == null ? describeFiles() : file.toString()), Optional.of("context " + context),
          Optional.of("contexts[].name"), problem.get())));
    }
  }
}
