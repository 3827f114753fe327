package io.fleetfed.core.kubefed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import org.junit.jupiter.api.Test;

class FederateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  private static final String SERVER_METADATA = "'resourceVersion':'42','uid':'0b1c','creationTimestamp':"
      + "'2026-01-01T00:00:00Z','generation':3,'selfLink':'/x','managedFields':[{'manager':'kubectl'}],"
      + "'deletionTimestamp':'2026-01-02T00:00:00Z','deletionGracePeriodSeconds':30,'finalizers':['x/y'],"
      + "'ownerReferences':[{'kind':'ReplicaSet','name':'o','uid':'u','apiVersion':'apps/v1'}],'generateName':'web-'";

  @Test
  void aLiveDeploymentLosesWhatTheServerSetAndKeepsLabelsAndItsOwnAnnotations() throws Exception {
    JsonNode live = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'shop',"
        + SERVER_METADATA + ",'labels':{'app':'web','fleetfed.io/managed':'true'},'annotations':{'team':'a',"
        + "'kubectl.kubernetes.io/last-applied-configuration':'{}','deployment.kubernetes.io/revision':'3',"
        + "'fleetfed.io/source':'shop/web','fleetfed.io/hash':'abc'}},'spec':{'replicas':2},"
        + "'status':{'replicas':2}}");

    FederatedResource r = Federate.from(live).build();

    assertThat(r.type()).isEqualTo(BuiltInTypes.DEPLOYMENTS);
    assertThat(r.namespace()).isEqualTo("shop");
    assertThat(r.name()).isEqualTo("web");
    assertThat(r.placement()).isEqualTo(Placement.allClusters());
    assertThat(r.template()).isEqualTo(json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'labels':"
        + "{'app':'web'},'annotations':{'team':'a'}},'spec':{'replicas':2}}"));
    assertThat(live.path("metadata").path("uid").asText()).as("the argument is not changed").isEqualTo("0b1c");
  }

  @Test
  void aNamespaceLosesItsSpecFinalizersAndLivesInItself() throws Exception {
    FederatedResource r = Federate.from(json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'shop',"
        + SERVER_METADATA + "},'spec':{'finalizers':['kubernetes']},'status':{'phase':'Active'}}")).build();
    assertThat(r.namespace()).isEqualTo("shop");
    assertThat(r.template()).isEqualTo(json("{'apiVersion':'v1','kind':'Namespace'}"));
  }

  @Test
  void aServiceAccountLosesItsSecrets() throws Exception {
    FederatedResource r = Federate.from(json("{'apiVersion':'v1','kind':'ServiceAccount','metadata':{'name':'ci',"
        + "'namespace':'shop'},'secrets':[{'name':'ci-token-x'}],'imagePullSecrets':[{'name':'reg'}]}")).build();
    assertThat(r.template()).isEqualTo(json("{'apiVersion':'v1','kind':'ServiceAccount',"
        + "'imagePullSecrets':[{'name':'reg'}]}"));
  }

  @Test
  void aServiceLosesItsClusterIpsAndNodePorts() throws Exception {
    FederatedResource r = Federate.from(json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'web',"
        + "'namespace':'shop'},'spec':{'type':'NodePort','clusterIP':'10.0.0.7','clusterIPs':['10.0.0.7'],"
        + "'ports':[{'port':80,'nodePort':30080},{'port':443,'nodePort':30443}],'selector':{'app':'web'}}}"))
        .placement(Placement.clusters("dev1")).build();
    assertThat(r.template()).isEqualTo(json("{'apiVersion':'v1','kind':'Service','spec':{'type':'NodePort',"
        + "'ports':[{'port':80},{'port':443}],'selector':{'app':'web'}}}"));
    assertThat(r.placement()).isEqualTo(Placement.clusters("dev1"));
  }

  @Test
  void aCustomKindIsFoundInTheRegistryAndKeepsItsVersion() throws Exception {
    TypeRegistry types = TypeRegistry.builtIn()
        .with(ResourceType.namespaced("example.com", "v1", "Sprocket", "sprockets"));
    FederatedResource r = Federate.from(json("{'apiVersion':'example.com/v1beta1','kind':'Sprocket','metadata':"
        + "{'name':'w1','namespace':'shop'},'spec':{'size':1}}"), types).build();
    assertThat(r.type().kind()).isEqualTo("Sprocket");
    assertThat(r.copyType().apiVersion()).isEqualTo("example.com/v1beta1");
  }

  @Test
  void anUnknownKindOrAMissingFieldIsAClearError() throws Exception {
    assertThatThrownBy(() -> Federate.from(json("{'apiVersion':'example.com/v1','kind':'Sprocket','metadata':"
        + "{'name':'w1','namespace':'shop'}}")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Sprocket shop/w1")
        .hasMessageContaining("no federated type has target Sprocket in group example.com (apiVersion example.com/v1)")
        .hasMessageContaining("registry.with(");
    assertThatThrownBy(() -> Federate.from(json("{'kind':'ConfigMap','metadata':{'name':'c'}}")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("apiVersion").hasMessageContaining("required");
    assertThatThrownBy(() -> Federate.from(json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{}}")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("metadata.name");
    assertThatThrownBy(() -> Federate.from(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("liveObject");
    assertThatThrownBy(() -> Federate.template(json("[1]"), BuiltInTypes.CONFIG_MAPS))
        .isInstanceOf(ValidationException.class).hasMessageContaining("must be an object");
  }
}
