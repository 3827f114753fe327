package io.fleetfed.core.status;

import io.fleetfed.core.model.FederatedResource;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of a federated object in a fleet: its federated kind, namespace and name, spelled as the
 * {@code fleetfed.io/source} annotation on its member copies spells it ({@code FederatedDeployment/ns/name}),
 * so that a restarted fleet finds its copies again.
 *
 * <pre>{@code
 * ResourceKey key = ResourceKey.of(nginx);          // FederatedDeployment/testing-fed/nginx-fed
 * fleet.status(key).map(FederatedStatus::condition);
 * }</pre>
 *
 * @param federatedKind such as {@code FederatedDeployment}
 * @param namespace the namespace, empty for a cluster-scoped object
 * @param name the name
 */
public record ResourceKey(String federatedKind, Optional<String> namespace, String name)
    implements Comparable<ResourceKey> {

  /** Checks that nothing is null. */
  public ResourceKey {
    Objects.requireNonNull(federatedKind, "federatedKind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** The key of {@code resource}. */
  public static ResourceKey of(FederatedResource resource) {
    return new ResourceKey(resource.federatedKind(),
        resource.namespace().isEmpty() ? Optional.empty() : Optional.of(resource.namespace()), resource.name());
  }

  /** Parses the {@code fleetfed.io/source} annotation's value; empty if it is not one. */
  public static Optional<ResourceKey> parse(String source) {
    String[] parts = source.split("/", -1);
    if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
      return Optional.of(new ResourceKey(parts[0], Optional.empty(), parts[1]));
    }
    if (parts.length == 3 && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts[2].isEmpty()) {
      return Optional.of(new ResourceKey(parts[0], Optional.of(parts[1]), parts[2]));
    }
    return Optional.empty();
  }

  @Override
  public int compareTo(ResourceKey o) {
    return toString().compareTo(o.toString());
  }

  /** The annotation's spelling: {@code FederatedKind/namespace/name} or {@code FederatedKind/name}. */
  @Override
  public String toString() {
    return federatedKind + "/" + namespace.map(n -> n + "/").orElse("") + name;
  }
}
