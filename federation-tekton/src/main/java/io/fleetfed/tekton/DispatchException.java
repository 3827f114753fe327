package io.fleetfed.tekton;

import io.fleetfed.core.FederationException;
import java.util.Objects;
import java.util.Optional;

/**
 * A dispatch, or an operation on a dispatched run, that could not be done: a missing dependency, no eligible
 * cluster, a dispatch key already used for another run, a member that refused the run or cannot be reached.
 * Nothing was created in any cluster when it is thrown by {@code dispatch} before a handle exists. It names the run
 * it is about and, when one is involved, the cluster.
 *
 * <pre>{@code
 * try {
 *   dispatcher.dispatch(request);
 * } catch (DispatchException e) {
 *   ci.fail(e.kind() + " " + e.namespace() + "/" + e.name() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class DispatchException extends FederationException {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private final String namespace;
  private final String name;
  private final String cluster;

  /**
   * Creates an exception about run {@code kind namespace/name}.
   *
   * @param cluster the cluster involved, or empty when none is (the run was not placed)
   */
  public DispatchException(String message, String kind, String namespace, String name, Optional<String> cluster) {
    this(message, kind, namespace, name, cluster, Optional.empty());
  }

  /** As {@link #DispatchException(String, String, String, String, Optional)}, with the failure that caused it. */
  public DispatchException(String message, String kind, String namespace, String name, Optional<String> cluster,
      Throwable cause) {
    this(message, kind, namespace, name, cluster, Optional.of(Objects.requireNonNull(cause, "cause")));
  }

  private DispatchException(String message, String kind, String namespace, String name, Optional<String> cluster,
      Optional<Throwable> cause) {
    super(message);
    cause.ifPresent(this::initCause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.cluster = Objects.requireNonNull(cluster, "cluster").orElse(null);
  }

  /** The run's kind: {@code TaskRun} or {@code PipelineRun}. */
  public String kind() {
    return kind;
  }

  /** The run's namespace. */
  public String namespace() {
    return namespace;
  }

  /** The run's name ({@code (generated)} when it has none yet). */
  public String name() {
    return name;
  }

  /** The cluster involved, if one is: where the run was to go, or is. */
  public Optional<String> cluster() {
    return Optional.ofNullable(cluster);
  }
}
