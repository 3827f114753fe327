package io.fleetfed.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.HealthCheck;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The KubeFedConfig read as KubeFed defaults and validates it; a bad field keeps its default and is reported. */
class KubeFedSettingsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static KubeFedSettings of(String spec) throws Exception {
    GenericKubernetesResource config = JSON.readValue("{\"apiVersion\":\"core.kubefed.io/v1beta1\","
        + "\"kind\":\"KubeFedConfig\",\"metadata\":{\"name\":\"kubefed\"},\"spec\":" + spec + "}",
        GenericKubernetesResource.class);
    return KubeFedSettings.of(Optional.of(config));
  }

  @Test
  void withoutAConfigKubeFedsDefaultsApply() {
    KubeFedSettings s = KubeFedSettings.of(Optional.empty());
    assertThat(s.scope()).isEqualTo("Cluster");
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.retryPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.health()).isEqualTo(HealthCheck.DEFAULT);
    assertThat(s.adoptResources()).as("fleetfed's own default: no adoption").isEmpty();
    assertThat(s.maxConcurrentReconciles()).as("fleetfed's: KubeFed's 1 took minutes for a thousand objects")
        .isEqualTo(KubeFedSettings.DEFAULT_WORKERS);
    assertThat(s.pushReconciler()).isTrue();
    assertThat(s.rawResourceStatusCollection()).isFalse();
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void theChartsConfigIsReadField() throws Exception {
    KubeFedSettings s = of("""
        {"scope":"Namespaced",
         "controllerDuration":{"availableDelay":"20s","unavailableDelay":"60s","cacheSyncTimeout":"5m"},
         "leaderElect":{"leaseDuration":"30s","renewDeadline":"20s","retryPeriod":"4s","resourceLock":"configmaps"},
         "clusterHealthCheck":{"period":"5s","timeout":"2s","failureThreshold":2,"successThreshold":1},
         "syncController":{"maxConcurrentReconciles":4,"adoptResources":"Enabled"},
         "featureGates":[{"name":"PushReconciler","configuration":"Enabled"},
                         {"name":"RawResourceStatusCollection","configuration":"Enabled"},
                         {"name":"SchedulerPreferences","configuration":"Enabled"}]}""");
    assertThat(s.scope()).isEqualTo("Namespaced");
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.renewDeadline()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.retryPeriod()).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.health()).isEqualTo(new HealthCheck(Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 1));
    assertThat(s.adoptResources()).contains(true);
    assertThat(s.maxConcurrentReconciles()).isEqualTo(4);
    assertThat(s.rawResourceStatusCollection()).isTrue();
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void badFieldsKeepTheirDefaultsAndAreNamed() throws Exception {
    KubeFedSettings s = of("""
        {"scope":"Galaxy",
         "leaderElect":{"leaseDuration":"5s","renewDeadline":"10s","retryPeriod":"5s"},
         "clusterHealthCheck":{"period":"soon","failureThreshold":0},
         "syncController":{"maxConcurrentReconciles":-1,"adoptResources":"Maybe"},
         "featureGates":[{"name":"Teleport","configuration":"Enabled"},
                         {"name":"PushReconciler","configuration":"Off"}]}""");
    assertThat(s.scope()).isEqualTo("Cluster");
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.health()).isEqualTo(HealthCheck.DEFAULT);
    assertThat(s.maxConcurrentReconciles()).isEqualTo(KubeFedSettings.DEFAULT_WORKERS);
    assertThat(s.adoptResources()).isEmpty();
    assertThat(s.pushReconciler()).isTrue();
    assertThat(String.join("\n", s.problems())).contains("spec.scope").contains("spec.leaderElect")
        .contains("spec.clusterHealthCheck.period").contains("spec.clusterHealthCheck.failureThreshold")
        .contains("spec.syncController.maxConcurrentReconciles").contains("spec.syncController.adoptResources")
        .contains("Teleport").contains("spec.featureGates[PushReconciler]");
  }

  @Test
  void adoptionDisabledIsHonoured() throws Exception {
    assertThat(of("{\"scope\":\"Cluster\",\"syncController\":{\"adoptResources\":\"Disabled\"}}").adoptResources())
        .contains(false);
  }
}
