package io.fleetfed.testkit;

/**
 * Thrown inside the simulator where it cannot tell what Tekton would do (a CEL expression beyond plain comparisons,
 * a variable it does not substitute, a feature it does not model): the run then ends False with reason
 * {@value #REASON} and this message, never a success Tekton might not report.
 */
final class SimUnsupported extends RuntimeException {

  /** The reason the run ends with. */
  static final String REASON = "SimulationUnsupported";

  private static final long serialVersionUID = 1L;

  /**
   * @param what the feature and the field path, such as {@code CEL "a.matches('x')" at spec.tasks[1].when[0].cel}
   */
  SimUnsupported(String what) {
    super(what);
  }
}
