package org.careledger.interfaces.rest.node;

import jakarta.ejb.EJB;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.careledger.application.NodeCertificates;
import org.careledger.application.NodeInfo;
import org.careledger.application.NodeService;
import org.careledger.application.NodeStart;

/**
 * What this node is. Public: it names the institution and its signing-key fingerprint, which peers
 * and auditors need in order to recognise the node, and nothing secret.
 */
@Path("/v1/node")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

  @EJB private NodeService node;

  @GET
  public NodeInfo node() {
    return node.nodeInfo();
  }

  /**
   * The node's signing, agreement and TLS certificates (base64 DER), which the federation launcher
   * collects into the federation descriptor. Public, like the rest of this resource.
   */
  @GET
  @Path("/certificates")
  public NodeCertificates certificates() {
    return node.certificates();
  }

  /**
   * A key renewal's first step: the certificates of the node's next signing key, generated at the
   * first call (the same afterwards). The channels' members then switch this institution to it with
   * a {@code renew-certificate} update (README, "Channel governance"). Admin only.
   */
  @jakarta.ws.rs.POST
  @Path("/next-key")
  @jakarta.annotation.security.RolesAllowed("admin")
  public NodeCertificates nextKey() {
    return node.nextCertificates();
  }

  /** The node's recorded starts, most recent first: the identity it ran with each time. */
  @GET
  @Path("/starts")
  public List<NodeStart> starts(@QueryParam("limit") @DefaultValue("20") int limit) {
    return node.startHistory(limit);
  }
}
