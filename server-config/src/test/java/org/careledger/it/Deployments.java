package org.careledger.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

/** The EAR the build produced, unchanged: the Arquillian suites test what node.sh deploys. */
final class Deployments {

  private Deployments() {}

  static EnterpriseArchive careledgerEar() {
    return ShrinkWrap.createFromZipFile(
        EnterpriseArchive.class, new File(System.getProperty("careledger.ear")));
  }
}
