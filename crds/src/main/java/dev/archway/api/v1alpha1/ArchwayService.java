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
 * An upstream that routes send traffic to (kind {@code Service} of group {@code archway.dev}).
 *
 * <p>The Java name differs from the kind so that it never shadows the core Kubernetes Service.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Service")
@Plural("services")
@Singular("service")
@ShortNames({"asvc", "archwayservice"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Balancer", jsonPath = ".spec.loadBalancer", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ArchwayService extends CustomResource<ServiceSpec, ServiceStatus>
    implements Namespaced {

  @Override
  protected ServiceSpec initSpec() {
    return new ServiceSpec();
  }

}
