package dev.archway.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.util.concurrent.TimeUnit;

/** Blocking HTTP calls from tests to a gateway listener on 127.0.0.1. */
final class Http {

  record Reply(int status, Buffer bytes, MultiMap headers) {

    String body() {
      return bytes.toString();
    }
  }

  private Http() {}

  static Reply get(HttpClient client, int port, String host, String path) {
    return send(client, HttpMethod.GET, port, host, path, null);
  }

  static Reply send(HttpClient client, HttpMethod method, int port, String host, String path, Buffer body) {
    try {
      // body() right in the callback of send(): a body that arrives before its handler is lost
      return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path))
          .compose(request -> {
            if (host != null) {
              request.authority(HostAndPort.create(host, -1));
            }
            return (body == null ? request.send() : request.send(body))
                .compose(response -> response.body()
                    .map(b -> new Reply(response.statusCode(), b, response.headers())));
          })
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + host + path + " on port " + port + " failed: " + e, e);
    }
  }
}
