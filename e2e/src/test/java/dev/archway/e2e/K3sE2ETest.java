package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.KubernetesServiceRef;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.api.v1alpha1.UpgradeStatus;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.ProcessCluster;
import dev.archway.e2e.harness.ScenarioReport;
import dev.archway.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Scenarios 1 and 2 on a real Kubernetes: k3s in a container (Testcontainers), the operator
 * installed by the Helm chart, gateway pods run by the kubelet from the images that
 * {@code bin/build-images} makes, and load through kube-proxy (a NodePort Service selecting the
 * gateway Service's pods, both tracks during a canary) from this JVM.
 *
 * <p>Skipped, saying why, when no Docker engine answers, when the image archives are absent
 * ({@code target/images/archway-{gateway,operator}.tar}) or when helm is not installed. The k3s
 * image ({@code archway.k3s.image}, default below) is pulled by Testcontainers; the Archway
 * images are never pulled: they are imported into k3s's containerd ({@code ctr images import})
 * and the pods use them as they are (imagePullPolicy IfNotPresent, the default for a tag).
 */
@ExtendWith(ScenarioReport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class K3sE2ETest {

  static final String K3S_IMAGE = System.getProperty("archway.k3s.image", "rancher/k3s:v1.31.4-k3s1");
  static final Path IMAGES = ProcessCluster.ROOT.resolve("target/images");
  static final List<String> TAGS = List.of("1.0.0", "1.1.0");
  static final String HOST = "stable.example.com";
  static final String CLUSTER = "edge";
  static final String DEPLOYMENT = CLUSTER + "-gateway";
  static final int LISTENER_PORT = 18080;
  static final int NODE_PORT_ROLLING = 30081;
  static final int NODE_PORT_CANARY = 30082;

  static K3sContainer k3s;
  static KubernetesClient client;
  static Vertx vertx;

  /** Why the scenarios cannot run here, or null when they can. */
  static String missing() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return "no Docker engine answers (Testcontainers found none); k3s runs in a Docker container";
    }
    for (String component : List.of("gateway", "operator")) {
      Path archive = IMAGES.resolve("archway-" + component + ".tar");
      if (!Files.isRegularFile(archive)) {
        return "no image archive " + archive + "; build the images with bin/build-images";
      }
    }
    if (!Files.isExecutable(helm())) {
      return "no helm at " + helm() + "; run bin/install-test-tools (or set HELM)";
    }
    return null;
  }

  @BeforeAll
  static void start() throws Exception {
    String why = missing();
    if (why != null) {
      System.out.println("[k3s] scenarios 1 and 2 on k3s skipped: " + why);
    }
    assumeTrue(why == null, "k3s scenarios skipped: " + why);
    Path helm = helm();

    k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE).asCompatibleSubstituteFor("rancher/k3s"));
    k3s.addExposedPorts(NODE_PORT_ROLLING, NODE_PORT_CANARY);
    for (String component : List.of("gateway", "operator")) {
      k3s.withCopyFileToContainer(MountableFile.forHostPath(IMAGES.resolve("archway-" + component + ".tar")),
          "/tmp/images/archway-" + component + ".tar");
    }
    k3s.start();
    importImages();

    Path kubeconfig = Files.createTempFile("k3s-e2e", ".kubeconfig");
    Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
    // the chart as a user installs it: CRDs, RBAC and the operator; one replica is enough here
    run(List.of(helm.toString(), "install", "archway", ProcessCluster.ROOT.resolve("helm-chart").toString(),
        "--kubeconfig", kubeconfig.toString(), "--namespace", "archway-system", "--create-namespace",
        "--set", "operator.replicas=1",
        "--set", "operator.image.repository=archway/operator", "--set", "operator.image.tag=" + TAGS.get(0),
        "--set", "gateway.image.repository=archway/gateway", "--set", "gateway.image.tag=" + TAGS.get(0),
        "--wait", "--timeout", "5m"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  @Order(1)
  void rollingUpgradeOfThreePodsFailsNoRequestOnK3s() {
    String ns = "k3s-rolling";
    deploy(ns, NODE_PORT_ROLLING);
    LoadGenerator load = load(NODE_PORT_ROLLING, Duration.ofSeconds(240));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));

    List<String> before = gatewayPods(ns).stream().map(p -> p.getMetadata().getName()).toList();
    setImage(ns, "archway/gateway:" + TAGS.get(1));
    awaitRolledOut(ns, DEPLOYMENT, "archway/gateway:" + TAGS.get(1), Duration.ofSeconds(200));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));
    var result = load.stop();

    ScenarioReport.record("1 rolling upgrade, 3 pods (k3s)", result, "kubelet, EndpointSlices and kube-proxy of k3s");
    assertThat(gatewayPods(ns)).extracting(p -> p.getMetadata().getName()).doesNotContainAnyElementsOf(before);
    assertThat(result.sent()).isGreaterThan(1000);
    assertThat(result.failures()).isEmpty();
  }

  @Test
  @Order(2)
  void goodCanaryIsPromotedWithoutAFailedRequestOnK3s() {
    String ns = "k3s-canary";
    deploy(ns, NODE_PORT_CANARY);
    Resources.edit(client, GatewayCluster.class, ns, CLUSTER, gc -> {
      gc.getSpec().setUpgrade(CanaryE2ETest.canaryUpgrade());
      return gc;
    });
    LoadGenerator load = load(NODE_PORT_CANARY, Duration.ofSeconds(300));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));

    setImage(ns, "archway/gateway:" + TAGS.get(1));
    // the canary's pods serve beside the stable ones (the NodePort Service selects both tracks)
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
        gatewayPods(ns).stream().anyMatch(p -> p.getMetadata().getName().startsWith(DEPLOYMENT + "-canary-") && ready(p)));
    UpgradeStatus promoted = Awaitility.await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
        .until(() -> upgradeStatus(ns), u -> u != null && "Promoted".equals(u.getPhase()));
    awaitRolledOut(ns, DEPLOYMENT, "archway/gateway:" + TAGS.get(1), Duration.ofSeconds(120));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));
    var result = load.stop();

    ScenarioReport.record("2 canary promotion, 3 pods (k3s)", result, "steps 33 % / 66 %, analysis every 5 s");
    assertThat(promoted.getStableImage()).isEqualTo("archway/gateway:" + TAGS.get(1));
    assertThat(client.apps().deployments().inNamespace(ns).withName(DEPLOYMENT + "-canary").get())
        .as("canary Deployment removed").isNull();
    assertThat(result.sent()).isGreaterThan(1000);
    assertThat(result.failures()).isEmpty();
  }

  // --- the fixture --------------------------------------------------------------------------

  /**
   * A namespace with an upstream (busybox httpd from the gateway image, answering /load from a
   * ConfigMap), an Archway Service on it, a GatewayCluster of three pods with a Route, and a
   * NodePort Service on the gateway pods; returns when the three pods are ready and answer.
   */
  static void deploy(String ns, int nodePort) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("echo-www")
        .endMetadata().withData(Map.of("load", "ok\n")).build()).create();
    Map<String, String> echoLabels = Map.of("app", "echo");
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName("echo").endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(echoLabels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(echoLabels).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("httpd").withImage("archway/gateway:" + TAGS.get(0))
        .withCommand("busybox", "httpd", "-f", "-p", "8080", "-h", "/www")
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/load").withPort(new IntOrString("http")).endHttpGet()
        .withPeriodSeconds(1).endReadinessProbe()
        .addNewVolumeMount().withName("www").withMountPath("/www").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("www").withNewConfigMap().withName("echo-www").endConfigMap().endVolume()
        .endSpec().endTemplate().endSpec().build()).create();
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("echo").endMetadata()
        .withNewSpec().withSelector(echoLabels).addNewPort().withName("http").withPort(8080)
        .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();

    ArchwayService echo = Resources.service(ns, "echo", 8080);
    echo.getSpec().setTargets(null);
    echo.getSpec().setKubernetesService(new KubernetesServiceRef("echo", new IntOrString(8080)));
    client.resource(echo).create();
    GatewayCluster gc = Resources.cluster(ns, CLUSTER);
    gc.getSpec().setReplicas(3);
    gc.getSpec().setImage("archway/gateway:" + TAGS.get(0));
    gc.getSpec().setListeners(List.of(new Listener("http", LISTENER_PORT)));
    client.resource(gc).create();
    client.resource(Resources.route(ns, "stable", CLUSTER, HOST, "/", "echo")).create();

    // what a cloud load balancer would be: kube-proxy's NodePort on the pods the operator's Service selects
    Service gateway = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> client.services().inNamespace(ns).withName(DEPLOYMENT).get(), s -> s != null);
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(DEPLOYMENT + "-nodeport")
        .endMetadata().withNewSpec().withType("NodePort").withSelector(gateway.getSpec().getSelector())
        .addNewPort().withName("http").withPort(LISTENER_PORT).withTargetPort(new IntOrString("http"))
        .withNodePort(nodePort).endPort().endSpec().build()).create();
    awaitRolledOut(ns, DEPLOYMENT, "archway/gateway:" + TAGS.get(0), Duration.ofSeconds(180));
    // a first run warms the fresh JVMs and proves the route answers through the NodePort
    var warmup = load(nodePort, Duration.ofSeconds(5)).awaitResult();
    System.out.printf("[k3s] %s warm-up: sent %d, failed %d%n", ns, warmup.sent(), warmup.failed());
  }

  static LoadGenerator load(int nodePort, Duration maxDuration) {
    int rate = 100;
    return new LoadGenerator(vertx, k3s.getHost(), k3s.getMappedPort(nodePort), HOST, "/load", rate, maxDuration,
        rate * (maxDuration.toSeconds() + 1)).start();
  }

  static void setImage(String ns, String image) {
    Resources.edit(client, GatewayCluster.class, ns, CLUSTER, gc -> {
      gc.getSpec().setImage(image);
      return gc;
    });
  }

  /** Waits until the Deployment runs {@code image} on all its replicas, all ready, and no other gateway pod is left. */
  static void awaitRolledOut(String ns, String deployment, String image, Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Deployment d = client.apps().deployments().inNamespace(ns).withName(deployment).get();
      if (d == null || d.getStatus() == null
          || !image.equals(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())) {
        return false;
      }
      int replicas = d.getSpec().getReplicas();
      var s = d.getStatus();
      List<Pod> pods = gatewayPods(ns);
      return s.getObservedGeneration() != null && s.getObservedGeneration() >= d.getMetadata().getGeneration()
          && Integer.valueOf(replicas).equals(s.getUpdatedReplicas()) && Integer.valueOf(replicas).equals(s.getReadyReplicas())
          && Integer.valueOf(replicas).equals(s.getReplicas())
          && pods.size() == replicas && pods.stream().allMatch(K3sE2ETest::ready);
    });
  }

  /** Every pod of the GatewayCluster (both tracks), terminating ones included. */
  static List<Pod> gatewayPods(String ns) {
    return client.pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(DEPLOYMENT + "-")).toList();
  }

  static boolean ready(Pod p) {
    return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
        && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static UpgradeStatus upgradeStatus(String ns) {
    GatewayCluster g = client.resources(GatewayCluster.class).inNamespace(ns).withName(CLUSTER).get();
    return g == null || g.getStatus() == null ? null : g.getStatus().getUpgrade();
  }

  /**
   * Imports the image archives into k3s's containerd (namespace k8s.io, where the kubelet looks)
   * and gives every image each tag of {@link #TAGS}: an archive carries the first tag only.
   */
  static void importImages() throws Exception {
    for (String component : List.of("gateway", "operator")) {
      exec("ctr", "-n", "k8s.io", "images", "import", "/tmp/images/archway-" + component + ".tar");
      String first = "docker.io/archway/" + component + ":" + TAGS.get(0);
      for (String tag : TAGS.subList(1, TAGS.size())) {
        exec("ctr", "-n", "k8s.io", "images", "tag", "--force", first, "docker.io/archway/" + component + ":" + tag);
      }
    }
    String images = exec("ctr", "-n", "k8s.io", "images", "ls", "-q");
    for (String component : List.of("gateway", "operator")) {
      for (String tag : TAGS) {
        assertThat(images).as("images in k3s").contains("docker.io/archway/" + component + ":" + tag);
      }
    }
  }

  static String exec(String... command) throws Exception {
    ExecResult r = k3s.execInContainer(command);
    assertThat(r.getExitCode()).as("%s: %s%s", String.join(" ", command), r.getStdout(), r.getStderr()).isZero();
    return r.getStdout();
  }

  static Path helm() {
    String fromEnv = System.getenv("HELM");
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : ProcessCluster.ROOT.resolve(".tools/bin/helm");
  }

  static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(6, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", command), out).isZero();
  }
}
