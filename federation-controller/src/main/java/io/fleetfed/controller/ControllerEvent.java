package io.fleetfed.controller;

import java.util.Objects;

/**
 * Something the controller did or saw, for {@link ControllerListener}s.
 *
 * @param type what happened
 * @param subject what it happened to: a FederatedTypeConfig's name, a Federated object's {@code Kind ns/name},
 *     a member's name, or the controller's identity
 * @param message a detail for people, never credentials
 */
public record ControllerEvent(Type type, String subject, String message) {

  /** What happened. */
  public enum Type {
    /** This controller started leading: it now writes. */
    STARTED_LEADING,
    /** This controller stopped leading (lost or released its Lease): it writes no more. */
    STOPPED_LEADING,
    /** This controller does not lead, and says why (KubeFed's controller manager still holds its lock). */
    NOT_LEADING,
    /** A federated type's propagation started (its FederatedTypeConfig is enabled). */
    TYPE_STARTED,
    /** A federated type's propagation stopped (its FederatedTypeConfig was disabled or deleted). */
    TYPE_STOPPED,
    /** A FederatedTypeConfig cannot run (missing CRD, unknown target, invalid): reported on it. */
    TYPE_FAILED,
    /** A Federated object was propagated and its status written. */
    PROPAGATED,
    /** Copies KubeFed's controller made were taken over in place (the message names the clusters). */
    TAKEN_OVER,
    /** A Federated object was deleted from the host and its copies removed (or orphaned). */
    DELETED,
    /** A Federated object is invalid: reported on it, nothing sent. */
    INVALID,
    /** Members were added, removed or changed in the host's KubeFedClusters. */
    MEMBERSHIP_CHANGED,
    /** The KubeFedConfig changed or was read: the settings in the message now apply. */
    CONFIG_APPLIED
  }

  /** Checks that nothing is null. */
  public ControllerEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return type + " " + subject + (message.isEmpty() ? "" : ": " + message);
  }
}
