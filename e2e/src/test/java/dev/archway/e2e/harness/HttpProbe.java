package dev.archway.e2e.harness;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** Single blocking GETs for polling a pod or the load balancer: the status code, or -1 on a connection error. */
public final class HttpProbe implements AutoCloseable {

  private final HttpClient client;

  public HttpProbe(Vertx vertx) {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(20).setConnectTimeout(1000));
  }

  public int status(String host, int port, String hostHeader, String path) {
    try {
      return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
              .setURI(path).putHeader("Host", hostHeader).setTimeout(5000))
          .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
          .toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
