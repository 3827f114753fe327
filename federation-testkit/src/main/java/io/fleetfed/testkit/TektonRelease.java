package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fleetfed.testkit.internal.TektonCrds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A Tekton Pipelines release a sandbox cluster can play: the CRDs it installs (so the API versions its cluster
 * serves) and what the {@link TektonSimulator} does with runs there. A fleet whose members run different Tekton
 * releases can be tested by giving each cluster its own:
 *
 * <pre>{@code
 * try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2", "dev3")
 *          .tektonCrds("dev2", TektonRelease.V0_24)          // dev2 serves tekton.dev/v1alpha1 and v1beta1 only
 *          .start();
 *      TektonSimulator tekton = TektonSimulator.builder().clusters(fleet.clusters())
 *          .release("dev2", TektonRelease.V0_24)             // the others play CURRENT
 *          .start()) {
 *   // a v1beta1 TaskRun on dev2 ends with status.taskResults; tekton.dev/v1 is a 404 there
 * }
 * }</pre>
 *
 * <p>In {@code @EnableFleetSandbox(tekton = "dev2=0.24")} and {@code fleetfed sandbox --tekton dev2=0.24} a release
 * is named by its {@link #label()} ({@link #parse} reads it).
 */
public enum TektonRelease {

  /**
   * Tekton Pipelines v0.24 (May 2021), as tektoncd/pipeline's {@code config/300-*.yaml} at tag v0.24.0 declares it:
   * Task, TaskRun, Pipeline, PipelineRun and the cluster-scoped ClusterTask served at v1alpha1 and v1beta1 (v1beta1
   * stored), Condition, PipelineResource and Run at v1alpha1 only; no v1, no StepAction, CustomRun or
   * ResolutionRequest. The simulator runs TaskRuns and PipelineRuns at v1beta1 as 0.24 reported them (TaskRun
   * {@code status.taskResults}; PipelineRun {@code status.pipelineResults} and the {@code status.taskRuns} map of
   * its children, no {@code childReferences}; {@code spec.timeout} only), creates children at v1beta1, and ends
   * v1alpha1 runs and runs using what 0.24 lacked False/{@code SimulationUnsupported} (see the package
   * documentation).
   */
  V0_24("0.24", "v1beta1", List.of("v1beta1"), TektonCrds::v024),

  /**
   * Today's Tekton (the v1 era): Task, TaskRun, Pipeline and PipelineRun at v1beta1 and v1 (v1 stored), StepAction,
   * CustomRun and the legacy ClusterTask at v1beta1; the simulator runs TaskRuns and PipelineRuns at v1 and
   * v1beta1. The default.
   */
  CURRENT("current", "v1", List.of("v1", "v1beta1"), TektonCrds::all);

  private final String label;
  private final String preferredVersion;
  private final List<String> simulatedVersions;
  private final Supplier<List<CustomResourceDefinition>> crds;
  /** Each kind's served versions, storage version last, read from the CRDs once. */
  private final Map<String, List<String>> served;

  TektonRelease(String label, String preferredVersion, List<String> simulatedVersions,
      Supplier<List<CustomResourceDefinition>> crds) {
    this.label = label;
    this.preferredVersion = preferredVersion;
    this.simulatedVersions = simulatedVersions;
    this.crds = crds;
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    for (CustomResourceDefinition crd : crds.get()) {
      List<String> versions = new ArrayList<>();
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        if (Boolean.TRUE.equals(version.getServed())) {
          versions.add(version.getName());
        }
      }
      byKind.put(crd.getSpec().getNames().getKind(), List.copyOf(versions));
    }
    this.served = byKind;
  }

  /**
   * The name of the release in settings: {@code 0.24} or {@code current}.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * The release's CRDs (group {@code tekton.dev}, structural schemas that keep unknown fields, the status
   * subresource, categories {@code tekton} and {@code tekton-pipelines}), as {@link TektonSimulator} registers them.
   *
   * @return new CRDs, the caller's to change
   */
  public List<CustomResourceDefinition> crds() {
    return crds.get();
  }

  /**
   * The {@code tekton.dev} kinds the release serves.
   *
   * @return the kinds, such as {@code TaskRun}, in the order of {@link #crds()}
   */
  public List<String> kinds() {
    return List.copyOf(served.keySet());
  }

  /**
   * The versions at which the release serves a kind.
   *
   * @param kind a kind such as {@code TaskRun}
   * @return the served versions, the storage version last; empty if the release has no such kind
   */
  public List<String> servedVersions(String kind) {
    return served.getOrDefault(Objects.requireNonNull(kind, "kind"), List.of());
  }

  /**
   * Whether the release serves a kind at a version.
   *
   * @param kind a kind such as {@code TaskRun}
   * @param version a version such as {@code v1}
   * @return whether served
   */
  public boolean serves(String kind, String version) {
    return servedVersions(kind).contains(Objects.requireNonNull(version, "version"));
  }

  /**
   * The release's preferred version of its run kinds: {@code v1beta1} for 0.24 (its storage version, in which its
   * controller created a PipelineRun's child TaskRuns), {@code v1} for {@link #CURRENT}. The simulator watches runs
   * at this version on a real API server (where all versions are one object), and creates a PipelineRun's children
   * at the PipelineRun's own version, which on 0.24 is always this one.
   *
   * @return the version
   */
  public String preferredVersion() {
    return preferredVersion;
  }

  /**
   * The versions of TaskRuns and PipelineRuns the simulator runs on a cluster of this release; a run at another
   * served version (v1alpha1 on 0.24) ends False/{@code SimulationUnsupported}.
   *
   * @return the versions
   */
  public List<String> simulatedVersions() {
    return simulatedVersions;
  }

  /**
   * Reads a release's name: its {@link #label()} ({@code 0.24}, {@code current}), with or without a leading
   * {@code v}, or the constant's name ({@code V0_24}); case does not matter.
   *
   * @param text the name
   * @return the release
   * @throws IllegalArgumentException if no release has that name (the message lists the names)
   */
  public static TektonRelease parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim().toLowerCase(Locale.ROOT);
    String bare = t.startsWith("v") && t.length() > 1 && Character.isDigit(t.charAt(1)) ? t.substring(1) : t;
    for (TektonRelease release : values()) {
      if (release.label.equals(bare) || release.name().toLowerCase(Locale.ROOT).equals(t)
          || (release == V0_24 && bare.equals("0.24.0"))) {
        return release;
      }
    }
    throw new IllegalArgumentException("unknown Tekton release \"" + text + "\": expected one of "
        + String.join(", ", Arrays.stream(values()).map(TektonRelease::label).toList()));
  }

  /**
   * Whether the simulator runs a TaskRun or PipelineRun at this version on a cluster of this release.
   */
  boolean simulates(String version) {
    return simulatedVersions.contains(version);
  }

  /** Whether this is a release before v1 (the v1beta1 status shapes of the time, no v1-only features). */
  boolean isV024() {
    return this == V0_24;
  }
}
