package io.fleetfed.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.DeleteOptions;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seam's delete with options, as an implementation that predates it gets it: the plain delete for no options,
 * and a refusal, never a silent plain delete, for any option it cannot send.
 */
class ClusterClientDefaultDeleteTest {
  private final List<String> calls = new ArrayList<>();

  /** An implementation of only the plain delete (every other method fails the test if called). */
  private ClusterClient plainDeleteOnly() {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (method.getName().equals("delete") && args.length == 3) {
        calls.add("delete " + args[1] + "/" + args[2]);
        return true;
      }
      throw new AssertionError("unexpected call " + method.getName());
    };
    return (ClusterClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ClusterClient.class},
        handler);
  }

  @Test
  void noOptionsIsThePlainDelete() {
    assertThat(plainDeleteOnly().delete(BuiltInTypes.DEPLOYMENTS, "web", "nginx", DeleteOptions.defaults()))
        .isTrue();
    assertThat(calls).containsExactly("delete web/nginx");
  }

  @Test
  void optionsTheImplementationCannotSendAreRefusedAndNothingIsDeleted() {
    DeleteOptions orphan = DeleteOptions.defaults().withPropagationPolicy(DeleteOptions.Propagation.ORPHAN);
    assertThatThrownBy(() -> plainDeleteOnly().delete(BuiltInTypes.DEPLOYMENTS, "web", "nginx", orphan))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cannot send delete options (DeleteOptions{\"propagationPolicy\":\"Orphan\"})");
    assertThat(calls).isEmpty();
  }
}
