package dev.archway.operator.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Kubernetes API for tests: a real kube-apiserver and etcd through fabric8 kube-api-test
 * when its binaries are on this machine (never downloaded), else fabric8's mock server in CRUD
 * mode. Child processes reach it through the kubeconfig file {@link #kubeconfig()}.
 */
public final class TestApiServer implements AutoCloseable {

  private final String kind;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final AutoCloseable server;

  private TestApiServer(String kind, KubernetesClient client, Path kubeconfig, AutoCloseable server) {
    this.kind = kind;
    this.client = client;
    this.kubeconfig = kubeconfig;
    this.server = server;
  }

  /** Where kube-api-test keeps binaries: {@code $KUBE_API_TEST_DIR} or {@code ~/.kubeapitest}. */
  static Path binariesRoot() {
    String dir = System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR);
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), KubeAPIServerConfigBuilder.DIRECTORY_NAME);
  }

  /** True when some version of kube-apiserver and etcd is unpacked where kube-api-test looks. */
  public static boolean realApiServerAvailable() {
    Path k8s = binariesRoot().resolve("k8s");
    if (!Files.isDirectory(k8s) || "mock".equals(System.getenv("ARCHWAY_TEST_API_SERVER"))) {
      return false;
    }
    try (Stream<Path> versions = Files.list(k8s)) {
      return versions.anyMatch(v -> Files.isExecutable(v.resolve("kube-apiserver")) && Files.isExecutable(v.resolve("etcd")));
    } catch (IOException e) {
      return false;
    }
  }

  public static TestApiServer start() {
    try {
      Path kubeconfig = Files.createTempFile("archway-kubeconfig", ".yaml");
      kubeconfig.toFile().deleteOnExit();
      if (realApiServerAvailable()) {
        KubeAPIServer api = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
            .withOfflineMode(true).withUpdateKubeConfig(false).build());
        api.start();
        Files.writeString(kubeconfig, api.getKubeConfigYaml());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(api.getKubeConfigYaml())).build();
        System.out.println("[api] kube-apiserver from kube-api-test at " + client.getMasterUrl());
        return new TestApiServer("kube-apiserver", client, kubeconfig, api::stop);
      }
      var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
      KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
          new KubernetesMixedDispatcher(responses), false);
      // The mock has no authorizer: it answers "may I?" (asked by leader election) with "yes, all",
      // which is what it enforces anyway.
      mock.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(201, new SelfSubjectRulesReviewBuilder()
              .withNewMetadata().endMetadata()
              .withNewStatus().withIncomplete(false)
              .addNewResourceRule().withApiGroups("*").withResources("*").withVerbs("*").endResourceRule()
              .endStatus().build())
          .always();
      mock.init(java.net.InetAddress.getLoopbackAddress(), 0);
      String url = "http://127.0.0.1:" + mock.getPort();
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster: {server: "%s"}
          contexts:
          - name: mock
            context: {cluster: mock, user: mock, namespace: default}
          current-context: mock
          users:
          - name: mock
            user: {token: mock}
          """.formatted(url));
      KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
      System.out.println("[api] kube-api-test binaries not found under " + binariesRoot()
          + "; using fabric8's mock API server in CRUD mode at " + url);
      return new TestApiServer("mock", client, kubeconfig, mock::destroy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kube-apiserver} or {@code mock}. */
  public String kind() {
    return kind;
  }

  public boolean isReal() {
    return "kube-apiserver".equals(kind);
  }

  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig file for processes the test starts. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Environment that points a fabric8 client in a child process at this server and nothing else. */
  public Map<String, String> clientEnv() {
    return Map.of("KUBECONFIG", kubeconfig.toString(), "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
  }

  /** Creates the committed CRDs (crds/yaml) and waits until they are served. */
  public void installCrds(Path repoRoot) {
    try (Stream<Path> files = Files.list(repoRoot.resolve("crds/yaml"))) {
      for (Path f : files.sorted().toList()) {
        CustomResourceDefinition crd = client.getKubernetesSerialization()
            .unmarshal(Files.readString(f), CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(c -> c.update());
        if (isReal()) {
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                  && c.getStatus().getConditions().stream().anyMatch(
                      x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.close();
  }
}
