package io.fleetfed.core.fleet.internal.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Refuses to send a write request while the fleet's owner says writes are stopped (a controller that may no longer
 * lead): the request fails before it leaves the JVM.
 */
final class WriteGuard implements Interceptor {
  static final String NAME = "fleetfed-write-guard";
  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  private final String cluster;
  private final BooleanSupplier allowed;

  WriteGuard(String cluster, BooleanSupplier allowed) {
    this.cluster = cluster;
    this.allowed = allowed;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!READS.contains(request.method()) && !allowed.getAsBoolean()) {
      throw new KubernetesClientException("writes are stopped: not sending " + request.method() + " "
          + request.uri().getPath() + " to " + cluster);
    }
  }
}
