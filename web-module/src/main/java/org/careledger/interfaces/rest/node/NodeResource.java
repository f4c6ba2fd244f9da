package org.careledger.interfaces.rest.node;

import jakarta.ejb.EJB;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.careledger.application.LedgerService;
import org.careledger.application.NodeCertificates;
import org.careledger.application.NodeInfo;
import org.careledger.application.NodeService;
import org.careledger.application.NodeStart;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * What this node is. Public: it names the institution and its signing-key fingerprint, which peers
 * and auditors need in order to recognise the node, and nothing secret.
 */
@Path("/v1/node")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

  @EJB private NodeService node;
  @EJB private LedgerService ledger;

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
   * A renewal's first step: the certificates the channels' members then switch this institution to
   * with a {@code renew-certificate} update (README, "Channel governance"). With {@code
   * ?channel=C}: for the key C names for this node, the newest key made after it (made now if there
   * is none: renewing channel after channel gives each the same new key, renewing C again a newer
   * one), or with {@code &sameKey=true} a new certificate for that key. Without a channel: the
   * newest new key (made at the first call). Admin only.
   */
  @jakarta.ws.rs.POST
  @Path("/next-key")
  @jakarta.annotation.security.RolesAllowed("admin")
  public NodeCertificates nextKey(
      @QueryParam("channel") String channel, @QueryParam("sameKey") boolean sameKey) {
    if (channel == null || channel.isBlank()) {
      if (sameKey) {
        throw new CareLedgerException(
            ErrorCode.TX_MALFORMED, "sameKey renews the key of one channel: give 'channel'");
      }
      return node.nextCertificates();
    }
    return node.renewalCertificates(ledger.signingKeyInForce(channel), sameKey);
  }

  /** The node's recorded starts, most recent first: the identity it ran with each time. */
  @GET
  @Path("/starts")
  public List<NodeStart> starts(@QueryParam("limit") @DefaultValue("20") int limit) {
    return node.startHistory(limit);
  }
}
