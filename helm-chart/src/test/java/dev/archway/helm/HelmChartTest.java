package dev.archway.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lints and renders the chart with the real helm binary and checks what it would install:
 * the generated CRDs unchanged, a restricted operator Deployment, and RBAC that grants
 * exactly what the operator uses.
 */
class HelmChartTest {

  private static final long HELM_TIMEOUT_SECONDS = 60;
  private static final String RELEASE = "edge";
  private static final String NAMESPACE = "archway-system";
  private static final String FULLNAME = "edge-archway";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * Every permission the operator needs, one "group/resource:verb" per grant ("core" is the
   * core API group). Keep in step with templates/clusterrole.yaml and the operator's clients.
   */
  private static final Set<String> OPERATOR_GRANTS =
      grants(
          rule(
              List.of("archway.dev"),
              List.of("gatewayclusters", "services", "routes"),
              List.of("get", "list", "watch", "patch", "update")),
          rule(
              List.of("archway.dev"),
              List.of("gatewayclusters/status", "services/status", "routes/status"),
              List.of("get", "patch", "update")),
          rule(
              List.of("apps"),
              List.of("deployments"),
              List.of("get", "list", "watch", "create", "update", "patch", "delete")),
          rule(
              List.of(""),
              List.of("services", "configmaps", "serviceaccounts"),
              List.of("get", "list", "watch", "create", "update", "patch", "delete")),
          rule(
              List.of("policy"),
              List.of("poddisruptionbudgets"),
              List.of("get", "list", "watch", "create", "update", "patch", "delete")),
          rule(
              List.of("rbac.authorization.k8s.io"),
              List.of("roles", "rolebindings"),
              List.of("get", "list", "watch", "create", "update", "patch", "delete")),
          rule(List.of("discovery.k8s.io"), List.of("endpointslices"), List.of("get", "list", "watch")),
          rule(List.of(""), List.of("pods"), List.of("get", "list", "watch")),
          rule(List.of(""), List.of("secrets"), List.of("get")),
          rule(List.of(""), List.of("nodes"), List.of("get", "list", "watch")),
          rule(List.of(""), List.of("events"), List.of("create", "patch")),
          rule(List.of("events.k8s.io"), List.of("events"), List.of("create", "patch")),
          rule(
              List.of("coordination.k8s.io"),
              List.of("leases"),
              List.of("get", "create", "update")));

  @TempDir static Path helmHome;

  private static Path repoRoot;
  private static Path chartDir;
  private static Path helm;

  @BeforeAll
  static void findHelm() throws Exception {
    String root = System.getProperty("archway.repo.root");
    repoRoot =
        (root == null || root.isBlank()
                ? Path.of("").toAbsolutePath().getParent()
                : Path.of(root))
            .toAbsolutePath()
            .normalize();
    chartDir = repoRoot.resolve("helm-chart");
    assertThat(chartDir.resolve("Chart.yaml")).as("the chart under the repo root").isRegularFile();

    String fromEnv = System.getenv("HELM");
    helm =
        fromEnv != null && !fromEnv.isBlank()
            ? Path.of(fromEnv)
            : repoRoot.resolve(".tools/bin/helm");
    if (!Files.isExecutable(helm)) {
      fail(
          "helm not found at %s: run %s to install it (or set HELM to a helm v3.14+ or v4 binary)",
          helm, repoRoot.resolve("bin/install-test-tools"));
    }
    HelmRun version = helm("version", "--short");
    assertThat(version.exitCode()).as("%s version: %s", helm, version.output()).isZero();
  }

  @Test
  void chartPassesStrictLint() throws Exception {
    HelmRun lint = helm("lint", "--strict", chartDir.toString());

    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).doesNotContain("[ERROR]").doesNotContain("[WARNING]");
  }

  @Test
  void chartPassesStrictLintWithValuesOverridden() throws Exception {
    HelmRun lint =
        helm(
            "lint",
            "--strict",
            chartDir.toString(),
            "--set",
            "operator.replicas=3",
            "--set",
            "watchNamespaces={team-a,team-b}",
            "--set",
            "serviceAccount.create=false",
            "--set",
            "serviceAccount.name=existing");

    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).doesNotContain("[ERROR]").doesNotContain("[WARNING]");
  }

  @Test
  void rendersTheGeneratedCrdsUnchanged() throws Exception {
    List<Document> crds =
        render().stream().filter(d -> d.object() instanceof CustomResourceDefinition).toList();
    List<Path> generated;
    try (Stream<Path> files = Files.list(repoRoot.resolve("crds/yaml"))) {
      generated = files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }

    assertThat(generated).hasSize(3);
    assertThat(crds).hasSameSizeAs(generated);
    for (Path file : generated) {
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      CustomResourceDefinition expectedCrd =
          SERIALIZATION.unmarshal(expected, CustomResourceDefinition.class);
      Document rendered =
          crds.stream()
              .filter(d -> d.name().equals(expectedCrd.getMetadata().getName()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no rendered CRD " + expectedCrd.getMetadata().getName()));

      assertThat(rendered.source()).isEqualTo("archway/crds/" + file.getFileName());
      assertThat(rendered.text().strip())
          .as("rendered %s", file.getFileName())
          .isEqualTo(expected.strip());
      assertThat(rendered.object()).isEqualTo(expectedCrd);
    }
  }

  @Test
  void operatorRunsUnderTheRestrictedPodSecurityProfile() throws Exception {
    assertRestrictedProfile(the(Deployment.class, render()).getSpec().getTemplate().getSpec());
  }

  @Test
  void restrictedProfileWinsOverPodSecurityContextValues() throws Exception {
    Deployment deployment =
        the(
            Deployment.class,
            render(
                "--set", "operator.podSecurityContext.runAsNonRoot=false",
                "--set", "operator.podSecurityContext.seccompProfile.type=Unconfined",
                "--set", "operator.podSecurityContext.runAsUser=1000"));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertRestrictedProfile(pod);
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
  }

  @Test
  void operatorDeploymentRunsTheOperatorWithLeaderElectionAndHealthProbes() throws Exception {
    List<Document> docs = render();
    Deployment deployment = the(Deployment.class, docs);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = onlyContainer(pod);
    String appVersion = appVersion();

    assertThat(deployment.getMetadata().getName()).isEqualTo(FULLNAME);
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .isNotEmpty()
        .allSatisfy(
            (k, v) ->
                assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry(k, v));
    assertThat(pod.getServiceAccountName())
        .isEqualTo(the(ServiceAccount.class, docs).getMetadata().getName());

    assertThat(operator.getImage()).isEqualTo("ghcr.io/archway-dev/archway-operator:" + appVersion);
    assertThat(operator.getCommand()).containsExactly("/opt/archway/bin/archway", "operator");
    assertThat(env(operator, "ARCHWAY_GATEWAY_IMAGE").getValue())
        .isEqualTo("ghcr.io/archway-dev/archway-gateway:" + appVersion);
    assertThat(env(operator, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env(operator, "POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(operator.getEnv())
        .extracting(EnvVar::getName)
        .as("all namespaces by default")
        .doesNotContain("ARCHWAY_WATCH_NAMESPACES");

    assertThat(operator.getPorts())
        .anySatisfy(
            port -> {
              assertThat(port.getName()).isEqualTo("health");
              assertThat(port.getContainerPort()).isEqualTo(8081);
            });
    assertHttpProbe(operator.getLivenessProbe(), "/healthz");
    assertHttpProbe(operator.getReadinessProbe(), "/readyz");

    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorUses() throws Exception {
    ClusterRole role = the(ClusterRole.class, render());

    assertThat(role.getMetadata().getName()).isEqualTo(FULLNAME);
    assertThat(role.getAggregationRule()).isNull();
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResourceNames()).as("resourceNames").isNullOrEmpty();
              assertThat(r.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
            });
    assertThat(grants(role.getRules().toArray(PolicyRule[]::new)))
        .containsExactlyInAnyOrderElementsOf(OPERATOR_GRANTS);
  }

  @Test
  void clusterRoleIsBoundToTheChartsServiceAccountInTheReleaseNamespace() throws Exception {
    List<Document> docs = render();
    ServiceAccount account = the(ServiceAccount.class, docs);
    ClusterRoleBinding binding = the(ClusterRoleBinding.class, docs);

    assertThat(account.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName())
        .isEqualTo(the(ClusterRole.class, docs).getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            (Subject s) -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  @Test
  void installsOnlyTheCrdsTheOperatorAndItsRbac() throws Exception {
    assertThat(render())
        .extracting(d -> d.object().getKind())
        .containsExactlyInAnyOrder(
            "CustomResourceDefinition",
            "CustomResourceDefinition",
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment");
  }

  @Test
  void valuesOverridesReachTheOperatorDeployment() throws Exception {
    Deployment deployment =
        the(
            Deployment.class,
            render(
                "--set", "operator.replicas=3",
                "--set", "watchNamespaces={team-a,team-b}",
                "--set", "operator.image.tag=1.2.3",
                "--set", "gateway.image.repository=registry.example/gw",
                "--set", "gateway.image.tag=9.9.9"));
    Container operator = onlyContainer(deployment.getSpec().getTemplate().getSpec());

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(env(operator, "ARCHWAY_WATCH_NAMESPACES").getValue()).isEqualTo("team-a,team-b");
    assertThat(operator.getImage()).endsWith(":1.2.3");
    assertThat(env(operator, "ARCHWAY_GATEWAY_IMAGE").getValue())
        .isEqualTo("registry.example/gw:9.9.9");
  }

  @Test
  void watchNamespacesMayBeGivenAsOneCommaSeparatedString() throws Exception {
    Container operator =
        onlyContainer(
            the(Deployment.class, render("--set-string", "watchNamespaces=team-a\\,team-b"))
                .getSpec()
                .getTemplate()
                .getSpec());

    assertThat(env(operator, "ARCHWAY_WATCH_NAMESPACES").getValue()).isEqualTo("team-a,team-b");
  }

  @Test
  void anExistingServiceAccountMustBeNamed() throws Exception {
    HelmRun run = helm(templateArgs("--set", "serviceAccount.create=false"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output()).contains("serviceAccount.name is required");

    List<Document> docs =
        render("--set", "serviceAccount.create=false", "--set", "serviceAccount.name=existing");
    assertThat(docs).noneMatch(d -> d.object() instanceof ServiceAccount);
    assertThat(the(ClusterRoleBinding.class, docs).getSubjects())
        .extracting(Subject::getName)
        .containsExactly("existing");
    assertThat(the(Deployment.class, docs).getSpec().getTemplate().getSpec())
        .extracting(PodSpec::getServiceAccountName)
        .isEqualTo("existing");
  }

  // --- the restricted profile --------------------------------------------------------------

  /** The checks of the "restricted" Pod Security Standard that a pod spec can fail. */
  private static void assertRestrictedProfile(PodSpec pod) {
    PodSecurityContext podContext = pod.getSecurityContext();
    assertThat(podContext).as("pod securityContext").isNotNull();
    assertThat(podContext.getRunAsNonRoot()).as("pod runAsNonRoot").isTrue();
    assertThat(Objects.equals(podContext.getRunAsUser(), 0L)).as("pod runs as root").isFalse();
    assertThat(podContext.getSeccompProfile().getType())
        .as("pod seccompProfile")
        .isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).as("hostNetwork").isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).as("hostPID").isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).as("hostIPC").isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes()).extracting(Volume::getHostPath).containsOnlyNulls();

    List<Container> containers = new ArrayList<>(pod.getContainers());
    containers.addAll(pod.getInitContainers());
    assertThat(containers).isNotEmpty();
    for (Container container : containers) {
      SecurityContext context = container.getSecurityContext();
      String name = "container " + container.getName();
      assertThat(context).as(name + " securityContext").isNotNull();
      assertThat(context.getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
      assertThat(Objects.equals(context.getRunAsUser(), 0L)).as(name + " runs as root").isFalse();
      assertThat(context.getAllowPrivilegeEscalation())
          .as(name + " allowPrivilegeEscalation")
          .isFalse();
      assertThat(context.getPrivileged()).as(name + " privileged").isNotEqualTo(Boolean.TRUE);
      assertThat(context.getReadOnlyRootFilesystem())
          .as(name + " readOnlyRootFilesystem")
          .isTrue();
      assertThat(context.getCapabilities().getDrop())
          .as(name + " capabilities.drop")
          .contains("ALL");
      assertThat(context.getCapabilities().getAdd())
          .as(name + " capabilities.add")
          .isNullOrEmpty();
      assertThat(context.getSeccompProfile().getType())
          .as(name + " seccompProfile")
          .isEqualTo("RuntimeDefault");
      assertThat(container.getPorts())
          .allSatisfy(p -> assertThat(p.getHostPort()).as(name + " hostPort").isNull());
    }
  }

  // --- rendering ---------------------------------------------------------------------------

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)\\s*$");

  /** One document of helm's output: where it came from, its text, and the parsed object. */
  private record Document(String source, String text, HasMetadata object) {
    String name() {
      return object.getMetadata().getName();
    }
  }

  private static List<Document> render(String... extraArgs) throws Exception {
    HelmRun run = helm(templateArgs(extraArgs));
    assertThat(run.exitCode()).as("helm template: %s", run.output()).isZero();

    List<Document> documents = new ArrayList<>();
    for (String chunk : DOCUMENT_SEPARATOR.split(run.stdout())) {
      Matcher source = SOURCE.matcher(chunk);
      String origin = source.find() ? source.group(1) : "";
      String text = source.replaceFirst("");
      if (text.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      documents.add(new Document(origin, text, SERIALIZATION.unmarshal(text)));
    }
    return documents;
  }

  private static String[] templateArgs(String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of("template", RELEASE, chartDir.toString(), "--namespace", NAMESPACE));
    args.add("--include-crds");
    args.addAll(Arrays.asList(extraArgs));
    return args.toArray(String[]::new);
  }

  private static <T extends HasMetadata> T the(Class<T> type, List<Document> documents) {
    List<T> found =
        documents.stream()
            .map(Document::object)
            .filter(type::isInstance)
            .map(type::cast)
            .toList();
    assertThat(found).as("rendered %s objects", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static Container onlyContainer(PodSpec pod) {
    assertThat(pod.getContainers()).hasSize(1);
    return pod.getContainers().get(0);
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getEnv()));
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe).as("probe on %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("health");
  }

  private static String appVersion() throws IOException {
    Map<?, ?> chart =
        SERIALIZATION.unmarshal(Files.readString(chartDir.resolve("Chart.yaml")), Map.class);
    return Objects.toString(chart.get("appVersion"));
  }

  // --- RBAC grants -------------------------------------------------------------------------

  private static PolicyRule rule(List<String> groups, List<String> resources, List<String> verbs) {
    PolicyRule rule = new PolicyRule();
    rule.setApiGroups(groups);
    rule.setResources(resources);
    rule.setVerbs(verbs);
    return rule;
  }

  /** Expands rules to one "group/resource:verb" per permission, so grouping does not matter. */
  private static Set<String> grants(PolicyRule... rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add((group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return grants;
  }

  // --- running helm ------------------------------------------------------------------------

  private record HelmRun(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  /** Runs helm with a private home (no user repos or plugins) and a bounded run time. */
  private static HelmRun helm(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(helm.toString());
    command.addAll(Arrays.asList(args));
    Path stdout = Files.createTempFile(helmHome, "helm", ".out");
    Path stderr = Files.createTempFile(helmHome, "helm", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(chartDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.put("HELM_CACHE_HOME", helmHome.resolve("cache").toString());
    env.put("HELM_CONFIG_HOME", helmHome.resolve("config").toString());
    env.put("HELM_DATA_HOME", helmHome.resolve("data").toString());
    env.remove("KUBECONFIG");
    Process process = builder.start();
    if (!process.waitFor(HELM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      fail("%s did not finish within %d s", String.join(" ", command), HELM_TIMEOUT_SECONDS);
    }
    return new HelmRun(
        process.exitValue(),
        Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

}
