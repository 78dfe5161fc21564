package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.operator.ArchwayOperator;
import dev.archway.operator.OperatorSettings;
import dev.archway.e2e.harness.PodLauncher;
import dev.archway.operator.demo.EchoUpstream;
import dev.archway.operator.demo.GatewayProcess;
import dev.archway.operator.testing.OwnedObjects;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.TestApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One request from kubectl apply to a live gateway: custom resources in, the operator renders,
 * a real gateway process runs as the Deployment's pod template says, a request reaches a real
 * upstream, a Route edit is served within 2 s, and deleting the cluster removes what it owned.
 */
@Timeout(180)
class WalkingSkeletonE2ETest {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).toAbsolutePath().normalize();
  static final String POD_IP = "127.0.0.21";
  static final String NS = "skeleton";
  // HTTP/1.1: with its default HTTP/2 the JDK client tries an h2c upgrade, and a Host header
  // forced to differ from :authority gets the stream reset by the gateway
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  TestApiServer api;
  KubernetesClient client;
  Operator operator;
  EchoUpstream upstream;
  GatewayProcess pod;

  @BeforeEach
  void start() throws Exception {
    api = TestApiServer.start();
    client = api.client();
    api.installCrds(ROOT);
    operator = ArchwayOperator.create(client, OperatorSettings.defaults());
    operator.start();
    upstream = new EchoUpstream("127.0.0.1", 0, "skeleton-upstream");
  }

  @AfterEach
  void stop() throws Exception {
    if (pod != null) {
      pod.stop(Duration.ofSeconds(15));
    }
    if (upstream != null) {
      upstream.close();
    }
    if (operator != null) {
      operator.stop();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void requestFlowsFromCustomResourcesToUpstreamAndRouteEditsGoLive() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    GatewayCluster gc = Resources.cluster(NS, "edge");
    gc.getSpec().setReplicas(1);
    gc.getSpec().setListeners(List.of(new Listener("http", 18080)));
    client.resource(gc).create();
    client.resource(Resources.service(NS, "echo", upstream.port())).create();
    client.resource(Resources.route(NS, "echo", "edge", "echo.example.com", "/v1", "echo")).create();

    Deployment deployment = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.apps().deployments().inNamespace(NS).withName("edge-gateway").get(), d -> d != null);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);

    Path logs = Files.createDirectories(ROOT.resolve("e2e/target/pods"));
    pod = new PodLauncher(ROOT, api.clientEnv(), logs).start(deployment, "edge-gateway-0", POD_IP);
    pod.awaitReady(Duration.ofSeconds(60));

    HttpResponse<String> ok = get("/v1/hello");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("upstream: skeleton-upstream").contains("request: GET /v1/hello");
    assertThat(get("/v2/hello").statusCode()).isEqualTo(404);

    long edited = System.nanoTime();
    Resources.edit(client, ArchwayRoute.class, NS, "echo", r -> {
      r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/v2");
      return r;
    });
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> get("/v2/hello").statusCode() == 200 && get("/v1/hello").statusCode() == 404);
    System.out.printf("[e2e] route edit served after %d ms (API server: %s)%n",
        (System.nanoTime() - edited) / 1_000_000, api.kind());

    client.resources(GatewayCluster.class).inNamespace(NS).withName("edge").delete();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        client.resources(GatewayCluster.class).inNamespace(NS).withName("edge").get() == null
            && OwnedObjects.allGone(client, NS, "edge"));
  }

  HttpResponse<String> get(String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + POD_IP + ":18080" + path))
        .header("Host", "echo.example.com").timeout(Duration.ofSeconds(2)).build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }
}
