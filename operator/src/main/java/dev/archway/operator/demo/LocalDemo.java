package dev.archway.operator.demo;

import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Target;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.model.MatchConfig;
import dev.archway.model.RouteConfig;
import dev.archway.operator.translate.RouteVerdict;
import dev.archway.operator.translate.Translation;
import dev.archway.operator.translate.Translator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code archway demo}: a local three-zone gateway cluster from the custom resources in a
 * folder, translated by the operator's own code, with echo upstreams; edits to the folder are
 * applied live to all three gateways.
 *
 * <p>Arguments: {@code EXAMPLES_DIR STATE_DIR LAUNCHER}.
 */
public final class LocalDemo {

  /** One gateway process per zone, each on its own loopback address like a pod IP. */
  static final List<String[]> ZONES =
      List.of(new String[] {"zone-a", "127.0.0.11"}, new String[] {"zone-b", "127.0.0.12"},
          new String[] {"zone-c", "127.0.0.13"});
  static final int MANAGEMENT_PORT = 9000;

  private final Path examples;
  private final Path state;
  private final String launcher;
  private final PrintStream out = System.out;
  private final List<GatewayProcess> gateways = new ArrayList<>();
  private final List<EchoUpstream> upstreams = new ArrayList<>();
  private String lastVersion;

  LocalDemo(Path examples, Path state, String launcher) {
    this.examples = examples;
    this.state = state;
    this.launcher = launcher;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: LocalDemo EXAMPLES_DIR STATE_DIR LAUNCHER");
      System.exit(2);
    }
    LocalDemo demo = new LocalDemo(Path.of(args[0]), Path.of(args[1]), args[2]);
    Runtime.getRuntime().addShutdownHook(new Thread(demo::shutdown, "demo-shutdown"));
    demo.run();
  }

  void run() throws Exception {
    ExampleResources resources = ExampleResources.read(examples);
    if (resources.clusters().size() != 1) {
      throw new IllegalArgumentException(examples + " must hold exactly one GatewayCluster, found "
          + resources.clusters().size());
    }
    Files.createDirectories(state);
    Path configFile = state.resolve("config.json");
    Translation translation = translate(resources);
    write(configFile, translation.config());
    startEchoUpstreams(resources.services());

    out.println("Starting 3 gateway processes (one per zone) ...");
    for (String[] zone : ZONES) {
      gateways.add(GatewayProcess.start(zone[0],
          List.of(launcher, "gateway", "--config", configFile.toString()), Map.of(), zone[1], MANAGEMENT_PORT,
          state.resolve("logs").resolve(zone[0] + ".log"), out,
          line -> line.contains("applied config") || line.contains("ERROR") || line.contains("refused")));
    }
    for (GatewayProcess g : gateways) {
      g.awaitReady(Duration.ofSeconds(60));
    }
    printTryLines(translation.config());
    out.println("Edit any file in " + examples + " and the three gateways reload live. Ctrl-C stops everything.");
    watch(configFile);
  }

  private Translation translate(ExampleResources resources) {
    GatewayCluster cluster = resources.clusters().get(0);
    Translation translation = Translator.translate(cluster, resources.routes(), resources.services());
    for (Map.Entry<String, RouteVerdict> e : translation.routes().entrySet()) {
      if (!e.getValue().programmable()) {
        out.println("Route " + e.getKey() + " left out: " + e.getValue().message());
      }
    }
    return translation;
  }

  private void write(Path file, GatewayConfig config) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, ConfigCodec.encode(config), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (!config.version().equals(lastVersion)) {
      out.println("Rendered config " + config.version() + ": " + config.routes().size() + " route rules, "
          + config.services().size() + " services");
    }
    lastVersion = config.version();
  }

  /** Every loopback target of the example Services gets an echo server, so requests have somewhere to go. */
  private void startEchoUpstreams(List<ArchwayService> services) throws IOException {
    for (ArchwayService s : services) {
      for (Target t : s.getSpec().getTargets() == null ? List.<Target>of() : s.getSpec().getTargets()) {
        if (!t.getHost().startsWith("127.")) {
          continue;
        }
        String name = s.getMetadata().getName() + "@" + t.getHost() + ":" + t.getPort();
        try {
          upstreams.add(new EchoUpstream(t.getHost(), t.getPort(), name));
          out.println("Echo upstream " + name + " started");
        } catch (BindException e) {
          out.println("Port " + t.getHost() + ":" + t.getPort() + " is taken; assuming it is your upstream");
        }
      }
    }
  }

  private void printTryLines(GatewayConfig config) {
    var listener = config.listeners().get(0);
    out.println();
    out.println("Archway demo is up. Try:");
    for (RouteConfig r : config.routes()) {
      var path = r.matches().get(0).path();
      if (MatchConfig.PathMatchConfig.REGEX.equals(path.type())) {
        continue; // no single URL to show for a pattern
      }
      String host = r.hosts().isEmpty() ? null : r.hosts().get(0).replace("*.", "www.");
      out.println("  curl -si " + (host == null ? "" : "-H 'Host: " + host + "' ") + "http://" + ZONES.get(0)[1] + ":"
          + listener.port() + path.value());
    }
    out.println("  (zones b and c answer the same on " + ZONES.get(1)[1] + " and " + ZONES.get(2)[1] + ")");
    out.println("  curl -s http://" + ZONES.get(0)[1] + ":" + MANAGEMENT_PORT + "/q/health/ready");
    out.println("  curl -s http://" + ZONES.get(0)[1] + ":" + MANAGEMENT_PORT + "/q/metrics | grep archway_");
    out.println();
  }

  private void watch(Path configFile) throws Exception {
    long stamp = stamp();
    while (true) {
      Thread.sleep(300);
      for (GatewayProcess g : gateways) {
        if (!g.isAlive()) {
          throw new IllegalStateException(g.name() + " exited; see " + state.resolve("logs"));
        }
      }
      long now = stamp();
      if (now == stamp) {
        continue;
      }
      stamp = now;
      try {
        write(configFile, translate(ExampleResources.read(examples)).config());
      } catch (IllegalArgumentException | IOException e) {
        out.println("Not applied, the gateways keep their config: " + e.getMessage());
      }
    }
  }

  private long stamp() throws IOException {
    try (Stream<Path> files = Files.list(examples)) {
      return files.mapToLong(p -> {
        try {
          return Files.getLastModifiedTime(p).toMillis() * 31 + Files.size(p) + p.hashCode();
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    }
  }

  private void shutdown() {
    out.println("Stopping the demo ...");
    for (GatewayProcess g : gateways) {
      try {
        g.stop(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    upstreams.forEach(EchoUpstream::close);
    out.println("Stopped.");
  }
}
