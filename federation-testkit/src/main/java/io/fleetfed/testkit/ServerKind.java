package io.fleetfed.testkit;

import java.util.Locale;

/**
 * What backs each cluster of a {@link FleetSandbox}.
 *
 * <pre>{@code
 * FleetSandbox.builder().clusters("dev1", "dev2").servers(ServerKind.REAL).start();
 *
 * @EnableFleetSandbox(clusters = {"dev1", "dev2"}, servers = ServerKind.REAL)
 * class OnRealServersTest { ... }
 * }</pre>
 *
 * <p>Run a whole suite on real API servers without changing it: {@code -Dfleetfed.sandbox.servers=real} makes every
 * sandbox that does not name its kind ({@link #DEFAULT}) start real ones.
 */
public enum ServerKind {
  /** The kind the system property {@value #PROPERTY} names ({@code mock} or {@code real}), else {@link #MOCK}. */
  DEFAULT,
  /**
   * fabric8's CRUD mock server, in this JVM: starts in milliseconds; answers what its store answers (no schema
   * pruning or validation, no admission, no server-side apply, no garbage collection).
   */
  MOCK,
  /**
   * A real {@code kube-apiserver} per cluster over one shared {@code etcd}, started as processes from
   * {@code KUBEBUILDER_ASSETS}, else from the cache {@code testkit-apiserver/build.sh} fills; about two seconds and
   * 250 MiB per cluster. What the API server refuses, prunes or defaults is what a real cluster would.
   */
  REAL;

  /** The system property that chooses the kind of {@link #DEFAULT}. */
  public static final String PROPERTY = "fleetfed.sandbox.servers";

  /**
   * This kind, with {@link #DEFAULT} resolved through {@value #PROPERTY}.
   *
   * @return {@link #MOCK} or {@link #REAL}
   * @throws IllegalArgumentException if the property is set to something else
   */
  public ServerKind resolve() {
    if (this != DEFAULT) {
      return this;
    }
    String value = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "":
      case "mock":
        return MOCK;
      case "real":
        return REAL;
      default:
        throw new IllegalArgumentException("system property " + PROPERTY + " must be mock or real, not \""
            + value + "\"");
    }
  }
}
