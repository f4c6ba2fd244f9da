package org.careledger.interfaces.fhir;

import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Resource;

/** Search result Bundles of any resource type. */
public final class Bundles {

  private Bundles() {}

  /**
   * A {@code searchset} Bundle of {@code resources} in their order: {@code total} is their number,
   * each entry's {@code fullUrl} is {@code base/Type/id} (the base being {@code selfUrl} without
   * its query, a trailing {@code /_search} and its last segment, the searched type), {@code
   * search.mode} {@code match}, and one {@code self} link.
   *
   * @param selfUrl the absolute URL of the search as the client may repeat it: never with a patient
   *     id in it (that travels in a POST body or a header)
   * @throws IllegalArgumentException when a resource has no id
   */
  public static Bundle searchSet(List<? extends Resource> resources, String selfUrl) {
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(selfUrl, "selfUrl");
    String base = base(selfUrl);
    Bundle bundle = new Bundle().setType(BundleType.SEARCHSET).setTotal(resources.size());
    bundle.addLink().setRelation("self").setUrl(selfUrl);
    for (Resource resource : resources) {
      if (!resource.hasIdElement() || !resource.getIdElement().hasIdPart()) {
        throw new IllegalArgumentException("a search result needs an id");
      }
      String type = resource.fhirType();
      bundle
          .addEntry()
          .setFullUrl(base + "/" + type + "/" + resource.getIdElement().getIdPart())
          .setResource(resource)
          .getSearch()
          .setMode(SearchEntryMode.MATCH);
    }
    return bundle;
  }

  /** The service base of a search URL: {@code https://h/careledger/fhir/ch-1}. */
  static String base(String selfUrl) {
    String url = selfUrl;
    int cut = url.indexOf('#');
    if (cut >= 0) {
      url = url.substring(0, cut);
    }
    cut = url.indexOf('?');
    if (cut >= 0) {
      url = url.substring(0, cut);
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (url.endsWith("/_search")) {
      url = url.substring(0, url.length() - "/_search".length());
    }
    int slash = url.lastIndexOf('/');
    if (slash <= url.indexOf("//") + 1) {
      throw new IllegalArgumentException("selfUrl is not the URL of a type search");
    }
    return url.substring(0, slash);
  }
}
