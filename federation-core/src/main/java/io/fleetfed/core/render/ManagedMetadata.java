package io.fleetfed.core.render;

/**
 * The label and annotations fleetfed puts on every object it renders, last, so that no override can remove or
 * forge them.
 *
 * <ul>
 *   <li>{@value #MANAGED_LABEL}{@code : "true"} marks the object as fleetfed's. A member object labelled
 *       {@code "false"} is never touched.
 *   <li>{@value #SOURCE_ANNOTATION} names the federated object it came from, as
 *       {@code Federated<Kind>/<namespace>/<name>} (or {@code Federated<Kind>/<name>} when cluster-scoped).
 *   <li>{@value #HASH_ANNOTATION} is the hex SHA-256 of everything the object was rendered from (template,
 *       identity, target type and that cluster's overrides): equal hashes mean equal objects, so an unchanged
 *       object costs no write.
 * </ul>
 *
 * <p>KubeFed marked its copies with {@value #KUBEFED_MANAGED_LABEL}{@code : "true"}, and a user kept KubeFed off an
 * object with {@code "false"}. fleetfed never renders that label; a fleet built with
 * {@code takeOverKubeFedCopies(true)} takes over copies labelled {@code "true"} (the label goes), and no fleet
 * takes an object labelled {@code "false"}.
 */
public final class ManagedMetadata {
  /** The label that marks an object as managed by fleetfed. */
  public static final String MANAGED_LABEL = "fleetfed.io/managed";
  /** The annotation naming the federated object a member object was rendered from. */
  public static final String SOURCE_ANNOTATION = "fleetfed.io/source";
  /** The annotation holding the hash of what a member object was rendered from. */
  public static final String HASH_ANNOTATION = "fleetfed.io/hash";
  /** KubeFed's label on the copies its sync controller wrote ({@code "true"}) or must leave alone ({@code "false"}). */
  public static final String KUBEFED_MANAGED_LABEL = "kubefed.io/managed";

  private ManagedMetadata() {}
}
