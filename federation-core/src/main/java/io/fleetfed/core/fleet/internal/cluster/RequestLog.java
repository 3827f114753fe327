package io.fleetfed.core.fleet.internal.cluster;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's clients' HTTP log, in place of fabric8's: at trace level, logger {@value #LOGGER}, one line per
 * request with the cluster, method, URL and status, and never a header or a body, so that no bearer token, client
 * key or Secret value reaches a log at any level. fabric8's own HTTP logging (which prints both once its logger is
 * at trace) is removed from every fleet client.
 */
final class RequestLog implements Interceptor {
  /** The logger's name. */
  static final String LOGGER = "io.fleetfed.http";
  /** The name fabric8 gives its header-and-body logging interceptor. */
  private static final String FABRIC8_LOGGING = "HttpLogging";
  private static final String NAME = "fleetfed-request-log";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final String cluster;

  private RequestLog(String cluster) {
    this.cluster = cluster;
  }

  /** Takes fabric8's HTTP logging off {@code builder} and puts this log, for {@code cluster}, in its place. */
  static void replaceFabric8Logging(HttpClient.Builder builder, String cluster) {
    builder.addOrReplaceInterceptor(FABRIC8_LOGGING, null);
    builder.addOrReplaceInterceptor(NAME, new RequestLog(cluster));
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (LOG.isTraceEnabled()) {
      LOG.trace("{}: {} {} -> {}", cluster, request.method(), request.uri(), response.code());
    }
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    if (LOG.isTraceEnabled()) {
      LOG.trace("{}: {} {} -> no answer ({})", cluster, request.method(), request.uri(),
          failure.getClass().getSimpleName());
    }
  }
}
