/** The controller's rooms; not API. */
package io.fleetfed.controller.internal;
