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

/**
 * Routing rules bound to one GatewayCluster (kind {@code Route} of group {@code archway.dev}).
 *
 * <p>The Java name differs from the kind so that it never shadows OpenShift's Route.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Route")
@Plural("routes")
@Singular("route")
@ShortNames({"art", "archwayroute"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(
    name = "Cluster",
    jsonPath = ".spec.gatewayClusterRef.name",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Hostnames", jsonPath = ".spec.hostnames", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Accepted",
    jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Programmed",
    jsonPath = ".status.conditions[?(@.type==\"Programmed\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ArchwayRoute extends CustomResource<RouteSpec, RouteStatus> implements Namespaced {

  @Override
  protected RouteSpec initSpec() {
    return new RouteSpec();
  }

}
