package dev.archway.operator.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Kubernetes Services and EndpointSlices among a golden case's input YAML. */
final class KubernetesInputs {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private KubernetesInputs() {}

  static KubernetesEndpoints read(Path dir) throws IOException {
    List<Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        Object parsed = SERIALIZATION.unmarshal(in);
        List<?> docs = parsed instanceof List<?> l ? l : parsed == null ? List.of() : List.of(parsed);
        for (Object doc : docs) {
          if (doc instanceof Service s && "v1".equals(s.getApiVersion())) {
            services.add(s);
          } else if (doc instanceof EndpointSlice e) {
            slices.add(e);
          } else if (doc instanceof HasMetadata) {
            continue; // archway.dev resources are read by ExampleResources
          }
        }
      }
    }
    return new KubernetesEndpoints(services, slices);
  }
}
