/**
 * Helpers shared by fleetfed's own packages. Not API: anything here may change without notice.
 */
package io.fleetfed.core.internal;
