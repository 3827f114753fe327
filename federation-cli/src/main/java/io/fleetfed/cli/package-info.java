/** The {@code fleetfed} command line. Not API: run it as {@code java -jar fleetfed.jar}. */
package io.fleetfed.cli;
