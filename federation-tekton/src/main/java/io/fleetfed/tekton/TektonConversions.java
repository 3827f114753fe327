package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.ConversionException;
import io.fleetfed.core.kubefed.VersionConverter;
import java.util.Objects;
import java.util.Set;

/**
 * Converts Tekton's {@code Task}, {@code TaskRun}, {@code Pipeline} and {@code PipelineRun} between
 * {@code tekton.dev/v1beta1} and {@code tekton.dev/v1}, in both directions, the whole object ({@code spec} and
 * {@code status}), so that a fleet can write a member that serves only the other version and read its runs' status
 * back. Registered through {@link java.util.ServiceLoader}, so
 * {@link io.fleetfed.core.kubefed.VersionConverters#standard()}
 * finds it whenever {@code federation-tekton} is on the classpath:
 *
 * <pre>{@code
 * VersionConverters converters = VersionConverters.standard();
 * converters.converts(TektonTypes.TASK_RUN, "v1beta1");            // true
 * ObjectNode old = converters.convert(taskRunV1, "v1beta1");       // tekton.dev/v1 → tekton.dev/v1beta1
 *
 * // or directly
 * ObjectNode v1 = new TektonConversions().convert(pipelineRunV1beta1, "v1");
 * }</pre>
 *
 * <p>The mappings follow Tekton's own conversion webhook ({@code pkg/apis/pipeline/v1beta1/*_conversion.go}). Paths
 * are relative to the object; "every step" means {@code steps[]}, {@code stepTemplate} and {@code sidecars[]} of a
 * Task's spec wherever one occurs: {@code Task.spec}, {@code TaskRun.spec.taskSpec}, {@code TaskRun.status.taskSpec},
 * a pipeline task's {@code taskSpec} in {@code Pipeline.spec}, {@code PipelineRun.spec.pipelineSpec} and
 * {@code PipelineRun.status.pipelineSpec} (both {@code tasks[]} and {@code finally[]}).
 *
 * <table>
 *   <caption>Fields renamed or moved</caption>
 *   <tr><th>where</th><th>v1beta1</th><th>v1</th></tr>
 *   <tr><td>every step, stepTemplate, sidecar</td><td>{@code resources}</td><td>{@code computeResources}</td></tr>
 *   <tr><td>TaskRun {@code spec}, PipelineRun {@code spec.taskRunSpecs[]}</td><td>{@code stepOverrides[]},
 *       {@code sidecarOverrides[]} (each with {@code resources})</td><td>{@code stepSpecs[]}, {@code sidecarSpecs[]}
 *       (each with {@code computeResources})</td></tr>
 *   <tr><td>PipelineRun {@code spec}</td><td>{@code timeout}</td><td>{@code timeouts.pipeline}; v1
 *       {@code timeouts} with only {@code pipeline} becomes v1beta1 {@code timeout} (Tekton's webhook keeps
 *       {@code timeouts}, which v1beta1 releases before 0.25 ignore), with {@code tasks} or {@code finally} it stays
 *       {@code timeouts}; v1beta1's {@code timeouts} is kept as it is</td></tr>
 *   <tr><td>PipelineRun {@code spec}</td><td>{@code serviceAccountName}, {@code podTemplate}</td>
 *       <td>{@code taskRunTemplate.serviceAccountName}, {@code taskRunTemplate.podTemplate}</td></tr>
 *   <tr><td>PipelineRun {@code spec.taskRunSpecs[]}</td><td>{@code taskServiceAccountName},
 *       {@code taskPodTemplate}</td><td>{@code serviceAccountName}, {@code podTemplate}</td></tr>
 *   <tr><td>TaskRun {@code status} (and {@code status.retriesStatus[]})</td><td>{@code taskResults}</td>
 *       <td>{@code results}</td></tr>
 *   <tr><td>TaskRun {@code status.steps[]}</td><td>{@code terminated.reason}</td><td>{@code terminationReason}
 *       (filled from {@code terminated.reason} going to v1; going to v1beta1 it is left out when it equals
 *       {@code terminated.reason}, and refused when it says something else)</td></tr>
 *   <tr><td>PipelineRun {@code status}</td><td>{@code pipelineResults}</td><td>{@code results}</td></tr>
 *   <tr><td>PipelineRun {@code status}</td><td>{@code taskRuns}, {@code runs} (the full embedded child statuses of
 *       Tekton before v0.45)</td><td>{@code childReferences[]}: {@code {apiVersion: tekton.dev/v1beta1, kind:
 *       TaskRun}} or {@code {apiVersion: tekton.dev/v1alpha1, kind: Run}}, {@code name}, {@code pipelineTaskName},
 *       {@code whenExpressions}; the embedded child status is left out (it is a copy of the child's own status,
 *       which the child keeps). One way: v1 → v1beta1 keeps {@code childReferences}</td></tr>
 *   <tr><td>{@code taskRef} (TaskRun spec, pipeline tasks), {@code pipelineRef} (PipelineRun spec)</td>
 *       <td>{@code bundle}, {@code name}, {@code kind}</td><td>{@code resolver: bundles} with params
 *       {@code bundle}, {@code name}, {@code kind} ({@code kind} defaults to {@code Task} or {@code Pipeline}).
 *       One way, as in Tekton: v1 → v1beta1 keeps the resolver ref, which v1beta1 also has, and whose
 *       {@code bundle} field Tekton no longer accepts</td></tr>
 *   <tr><td>{@code status.provenance}, {@code status.steps[].provenance}</td><td>{@code configSource}</td>
 *       <td>{@code refSource} (when there is no {@code refSource}, or it is the same)</td></tr>
 * </table>
 *
 * <p>Everything else is copied unchanged: {@code metadata} (labels, annotations, fleetfed's hash), {@code taskRef}
 * and {@code pipelineRef} fields such as {@code kind: ClusterTask} or a resolver, params in every form, results
 * declarations, workspaces, {@code when}, {@code matrix}, step {@code ref}/{@code params}/{@code results}/{@code
 * when} (StepActions, which v1beta1 has too), {@code managedBy} (in both versions), {@code childReferences},
 * conditions, and fields this class does not know of.
 *
 * <table>
 *   <caption>Refused: a {@link ConversionException} naming the field, such as {@code spec.steps[2].ports has no
 *   equivalent in v1}</caption>
 *   <tr><th>to</th><th>field</th></tr>
 *   <tr><td>v1</td><td>PipelineResources: {@code spec.resources} of every kind, pipeline tasks' {@code resources},
 *       {@code status.taskSpec.resources}; the older {@code inputs}/{@code outputs} of Task and TaskRun specs;
 *       pipeline tasks' {@code conditions}</td></tr>
 *   <tr><td>v1</td><td>steps' {@code ports}, {@code livenessProbe}, {@code readinessProbe}, {@code startupProbe},
 *       {@code lifecycle}, {@code terminationMessagePath}, {@code terminationMessagePolicy}, {@code stdin},
 *       {@code stdinOnce}, {@code tty}; the same and {@code name} in a {@code stepTemplate}</td></tr>
 *   <tr><td>v1</td><td>TaskRun {@code status.cloudEvents}, {@code status.resourcesResult}</td></tr>
 *   <tr><td>v1</td><td>PipelineRun {@code spec.timeout} together with {@code spec.timeouts} (Tekton refuses the
 *       pair); a {@code bundle} together with a {@code resolver}; a renamed field whose new name is set too</td></tr>
 *   <tr><td>v1beta1</td><td>TaskRun {@code status.artifacts}; {@code status.steps[].terminationReason} other than
 *       {@code terminated.reason}; any field of {@code spec.taskRunTemplate} but {@code serviceAccountName} and
 *       {@code podTemplate}</td></tr>
 * </table>
 *
 * <p>A field that is {@code null}, {@code ""}, {@code {}} or {@code []} holds nothing and is left out instead of
 * refused. The argument is never changed; converting to the version an object already has returns a copy.
 */
public final class TektonConversions implements VersionConverter {
  static final String V1BETA1 = "v1beta1";
  static final String V1 = "v1";

  private static final Set<String> KINDS = Set.of("Task", "TaskRun", "Pipeline", "PipelineRun");
  private static final Set<String> VERSIONS = Set.of(V1BETA1, V1);

  /** Called by {@link java.util.ServiceLoader}; the converter holds no state. */
  public TektonConversions() {}

  /** {@code tekton.dev}. */
  @Override
  public String group() {
    return TektonTypes.GROUP;
  }

  /** {@code Task}, {@code TaskRun}, {@code Pipeline}, {@code PipelineRun}. */
  @Override
  public Set<String> kinds() {
    return KINDS;
  }

  /** {@code v1beta1} and {@code v1}. */
  @Override
  public Set<String> versions() {
    return VERSIONS;
  }

  /**
   * {@code object} converted to {@code toVersion} by the mappings in the class description.
   *
   * @throws IllegalArgumentException if {@code object} is not one of {@link #kinds()} at {@code tekton.dev/v1beta1}
   *     or {@code tekton.dev/v1}, or {@code toVersion} is not one of {@link #versions()}
   * @throws ConversionException if a field has no equivalent in {@code toVersion}
   */
  @Override
  public ObjectNode convert(ObjectNode object, String toVersion) {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(toVersion, "toVersion");
    if (!VERSIONS.contains(toVersion)) {
      throw new IllegalArgumentException("Tekton objects convert to v1beta1 or v1, not " + toVersion);
    }
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    String prefix = TektonTypes.GROUP + "/";
    if (!apiVersion.startsWith(prefix) || !VERSIONS.contains(apiVersion.substring(prefix.length()))
        || !KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "not a Tekton Task, TaskRun, Pipeline or PipelineRun at v1beta1 or v1: " + apiVersion + " " + kind);
    }
    ObjectNode out = object.deepCopy();
    out.put("apiVersion", prefix + toVersion);
    if (!apiVersion.equals(prefix + toVersion)) {
      new ConversionWalk(object, toVersion).convert(out, kind);
    }
    return out;
  }

  @Override
  public String toString() {
    return "TektonConversions[tekton.dev Task, TaskRun, Pipeline, PipelineRun: v1beta1 <-> v1]";
  }
}
