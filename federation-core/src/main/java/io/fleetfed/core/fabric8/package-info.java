/**
 * fabric8 objects where users hold them: a federated object from a live {@code HasMetadata}, and rendered objects
 * back as {@code GenericKubernetesResource} or a typed class ({@link io.fleetfed.core.fabric8.Fabric8Objects}).
 * Outside the pure packages, which use no fabric8 class.
 */
package io.fleetfed.core.fabric8;
