package dev.archway.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One fleet of gateway pods: replicas, image, zones and listeners. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("GatewayCluster")
@Plural("gatewayclusters")
@Singular("gatewaycluster")
@ShortNames({"gwc", "agc"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.image", type = Type.STRING)
@AdditionalPrinterColumn(name = "Config", jsonPath = ".status.configVersion", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Synced", jsonPath = ".status.conditions[?(@.type==\"ConfigSynced\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class GatewayCluster extends CustomResource<GatewayClusterSpec, GatewayClusterStatus>
    implements Namespaced {

  @Override
  protected GatewayClusterSpec initSpec() {
    return new GatewayClusterSpec();
  }

}
