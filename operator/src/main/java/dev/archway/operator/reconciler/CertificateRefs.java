package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.api.v1alpha1.LocalObjectRef;
import dev.archway.operator.translate.CertificateMounts;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the Secrets that HTTPS listeners name: a missing one keeps new gateway pods from starting
 * (the volume cannot be mounted) and makes running pods refuse the config, so the user is told
 * which reference is at fault. Secrets are read when the cluster is reconciled, not watched: a pod
 * that starts once the Secret exists brings the next reconciliation.
 */
final class CertificateRefs {

  static final String TLS_TYPE = "kubernetes.io/tls";

  private CertificateRefs() {}

  /**
   * Every reference that cannot serve, as {@code spec.listeners[i].tls.certificateRefs[j]: why}.
   *
   * @param secret the Secret of a name in the cluster's namespace, empty when there is none
   */
  static List<String> problems(GatewayCluster cluster, Function<String, Optional<Secret>> secret) {
    List<String> problems = new ArrayList<>();
    List<Listener> listeners = cluster.getSpec().getListeners();
    Map<String, Optional<Secret>> read = new HashMap<>();
    for (int i = 0; listeners != null && i < listeners.size(); i++) {
      Listener l = listeners.get(i);
      if (!CertificateMounts.https(l) || l.getTls() == null || l.getTls().getCertificateRefs() == null) {
        continue;
      }
      List<LocalObjectRef> refs = l.getTls().getCertificateRefs();
      for (int j = 0; j < refs.size(); j++) {
        String name = refs.get(j).getName();
        String at = "spec.listeners[" + i + "].tls.certificateRefs[" + j + "]";
        Optional<Secret> found = read.computeIfAbsent(name, secret);
        String why = found.isEmpty()
            ? "Secret " + name + " not found in namespace " + cluster.getMetadata().getNamespace()
            : unusable(found.get());
        if (why != null) {
          problems.add(at + ": " + why);
        }
      }
    }
    return problems;
  }

  /** Why a Secret cannot serve as a certificate, or null. */
  private static String unusable(Secret s) {
    String name = s.getMetadata().getName();
    if (!TLS_TYPE.equals(s.getType())) {
      return "Secret " + name + " is of type " + s.getType() + ", not " + TLS_TYPE;
    }
    for (String key : List.of(CertificateMounts.CERT_KEY, CertificateMounts.PRIVATE_KEY)) {
      if (s.getData() == null || s.getData().get(key) == null || s.getData().get(key).isEmpty()) {
        return "Secret " + name + " has no " + key;
      }
    }
    return null;
  }
}
