package dev.archway.operator.translate;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.api.v1alpha1.LocalObjectRef;
import dev.archway.model.ListenerConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a gateway pod finds the TLS Secrets its listeners name: each Secret is a read-only volume
 * at {@code /etc/archway/tls/<secret>}, holding tls.crt and tls.key. The translation writes these
 * paths into the config, the Deployment mounts the Secrets there; the kubelet replaces the files
 * when a Secret changes and the gateway reloads them.
 */
public final class CertificateMounts {

  /** Parent directory of every mounted TLS Secret. */
  public static final String ROOT = "/etc/archway/tls";
  /** Data keys of a kubernetes.io/tls Secret. */
  public static final String CERT_KEY = "tls.crt";
  public static final String PRIVATE_KEY = "tls.key";

  private CertificateMounts() {}

  /** The directory a Secret is mounted at. */
  public static String dir(String secret) {
    return ROOT + "/" + secret;
  }

  /** The certificate and key files of a mounted Secret. */
  public static ListenerConfig.CertificateFiles files(String secret) {
    return new ListenerConfig.CertificateFiles(dir(secret) + "/" + CERT_KEY, dir(secret) + "/" + PRIVATE_KEY);
  }

  /** The TLS of an HTTPS listener as the gateway reads it; null for any other listener. */
  static ListenerConfig.Tls tls(Listener listener) {
    if (!https(listener) || listener.getTls() == null || listener.getTls().getCertificateRefs() == null) {
      return null;
    }
    List<ListenerConfig.CertificateFiles> files = new ArrayList<>();
    for (LocalObjectRef ref : listener.getTls().getCertificateRefs()) {
      files.add(files(ref.getName()));
    }
    return new ListenerConfig.Tls(files);
  }

  /** Every Secret the cluster's listeners name, each once, in the order they are first named. */
  public static List<String> secrets(GatewayCluster cluster) {
    Set<String> names = new LinkedHashSet<>();
    List<Listener> listeners = cluster.getSpec().getListeners();
    for (Listener l : listeners == null ? List.<Listener>of() : listeners) {
      if (https(l) && l.getTls() != null && l.getTls().getCertificateRefs() != null) {
        l.getTls().getCertificateRefs().forEach(ref -> names.add(ref.getName()));
      }
    }
    return List.copyOf(names);
  }

  /** Whether a listener terminates TLS; tls on an HTTP listener (which the CRD refuses) is ignored. */
  public static boolean https(Listener listener) {
    return listener.getProtocol() == Listener.ListenerProtocol.HTTPS;
  }
}
