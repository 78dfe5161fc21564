package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.ZoneStatus;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The gateway pods of one cluster at one moment: zones, readiness, applied config versions. */
record FleetSnapshot(List<PodReport> pods) {

  static final FleetSnapshot EMPTY = new FleetSnapshot(List.of());

  List<PodReport> ready() {
    return pods.stream().filter(PodReport::ready).toList();
  }

  /** Ready pods that report the given version. */
  List<PodReport> readyWith(String version) {
    return pods.stream().filter(p -> p.ready() && Objects.equals(version, p.configVersion())).toList();
  }

  /** At least one pod is ready and every ready pod reports the given version. */
  boolean synced(String version) {
    List<PodReport> ready = ready();
    return !ready.isEmpty() && ready.stream().allMatch(p -> version.equals(p.configVersion()));
  }

  /** Versions any pod reports having applied. */
  Set<String> reportedVersions() {
    return pods.stream().map(PodReport::configVersion).filter(Objects::nonNull).collect(Collectors.toSet());
  }

  /** Some pod with an address has not told which config it runs. */
  boolean anyUnknown() {
    return pods.stream().anyMatch(PodReport::unknown);
  }

  /** Ready pods that refused the latest config they were offered. */
  List<PodReport> rejecting() {
    return pods.stream().filter(p -> p.ready() && p.rejected() != null).toList();
  }

  /** Ready pods that could not be asked. */
  List<PodReport> unreachable() {
    return pods.stream().filter(p -> p.ready() && p.error() != null && p.configVersion() == null).toList();
  }

  List<ZoneStatus> zones() {
    TreeMap<String, int[]> counts = new TreeMap<>();
    for (PodReport p : pods) {
      int[] c = counts.computeIfAbsent(p.zone(), z -> new int[2]);
      c[0]++;
      if (p.ready()) {
        c[1]++;
      }
    }
    return counts.entrySet().stream().map(e -> new ZoneStatus(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
  }
}
