package io.fleetfed.testkit;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.tekton.TektonTypes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Names, labels and resource contexts of the Tekton kinds the simulator reads and writes. */
final class Tekton {

  static final String V1 = "v1";
  static final String V1BETA1 = "v1beta1";

  static final String TASK_RUN = "TaskRun";
  static final String PIPELINE_RUN = "PipelineRun";
  static final String MANAGED_BY_TEKTON = "tekton.dev/pipeline";

  static final String LABEL_TASK_RUN = "tekton.dev/taskRun";
  static final String LABEL_TASK_RUN_UID = "tekton.dev/taskRunUID";
  static final String LABEL_TASK = "tekton.dev/task";
  static final String LABEL_CLUSTER_TASK = "tekton.dev/clusterTask";
  static final String LABEL_PIPELINE_RUN = "tekton.dev/pipelineRun";
  static final String LABEL_PIPELINE_RUN_UID = "tekton.dev/pipelineRunUID";
  static final String LABEL_PIPELINE_TASK = "tekton.dev/pipelineTask";
  static final String LABEL_PIPELINE = "tekton.dev/pipeline";
  static final String LABEL_MEMBER_OF = "tekton.dev/memberOf";
  static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

  private Tekton() {
  }

  private static final Map<String, ResourceType> KINDS = Map.of(TASK_RUN, TektonTypes.TASK_RUN, PIPELINE_RUN,
      TektonTypes.PIPELINE_RUN, "Task", TektonTypes.TASK, "Pipeline", TektonTypes.PIPELINE);
  /** Each kind's context at each version, made once: the simulator asks on every write. */
  private static final Map<String, ResourceDefinitionContext> CONTEXTS = new ConcurrentHashMap<>();

  private static ResourceDefinitionContext context(String kind, String version) {
    return CONTEXTS.computeIfAbsent(kind + "/" + version,
        k -> ResourceContexts.of(KINDS.get(kind).withVersion(version)));
  }

  static ResourceDefinitionContext taskRuns(String version) {
    return context(TASK_RUN, version);
  }

  static ResourceDefinitionContext pipelineRuns(String version) {
    return context(PIPELINE_RUN, version);
  }

  static ResourceDefinitionContext runs(String kind, String version) {
    return TASK_RUN.equals(kind) ? taskRuns(version) : pipelineRuns(version);
  }

  static ResourceDefinitionContext tasks(String version) {
    return context("Task", version);
  }

  static ResourceDefinitionContext pipelines(String version) {
    return context("Pipeline", version);
  }

  static ResourceDefinitionContext clusterTasks() {
    return ResourceContexts.of(TektonTypes.CLUSTER_TASK);
  }

  /**
   * The name Tekton gives an object made for another, {@code parent + suffix} (a pod {@code <taskrun>-pod}, a child
   * TaskRun {@code <pipelinerun>-<task>}); when that is longer than 63 characters, the parent's name is cut and an
   * MD5 hash of it inserted, so that the name stays unique and short enough.
   */
  static String childName(String parent, String suffix) {
    int longest = 63;
    if (parent.length() + suffix.length() <= longest) {
      return parent + suffix;
    }
    String hash = md5(parent);
    if (suffix.length() >= longest - hash.length()) {
      return md5(parent + suffix);
    }
    return parent.substring(0, longest - suffix.length() - hash.length()) + hash + suffix;
  }

  private static String md5(String text) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("MD5")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new io.fleetfed.core.FederationException("this Java runtime has no MD5, which every runtime must provide",
          e);
    }
  }

  /** The version of a {@code tekton.dev/<version>} apiVersion. */
  static String versionOf(String apiVersion) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(slash + 1);
  }
}
