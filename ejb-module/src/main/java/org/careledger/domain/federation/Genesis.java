package org.careledger.domain.federation;

import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.FederatedGenesis;
import org.careledger.domain.ledger.Membership;

/**
 * Derives a channel's genesis block from the federation descriptor, in the form {@link
 * FederatedGenesis} fixes: deterministic, unsigned, with an empty certificate. Every member that
 * holds an equal descriptor derives the same bytes and so the same genesis hash, whatever the
 * layout of its descriptor file.
 *
 * <p>What goes in: the channel's members with their signing certificates ({@link
 * Membership#toConfigBody()} form) and key-agreement certificates, the consensus mode, the consent
 * policy, the batch bounds, the federation id, the channel id and the descriptor's {@code
 * createdAt}. What stays out, on purpose: members of the federation outside the channel, TLS
 * certificates and Artemis endpoints. Those are transport; a node moving to another port or
 * renewing its TLS certificate must not make its channels' chains another chain.
 */
public final class Genesis {

  private Genesis() {}

  /**
   * @throws CareLedgerException FEDERATION_CHANNEL_UNKNOWN if the descriptor has no such channel;
   *     TX_TOO_LARGE if its configuration would exceed the transaction size limit
   */
  public static Block of(FederationDescriptor descriptor, ChannelId channelId) {
    FederationChannel channel =
        descriptor
            .channel(channelId)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.FEDERATION_CHANNEL_UNKNOWN,
                        "federation " + descriptor.federation() + " has no channel " + channelId));
    Membership membership = descriptor.membership(channelId);
    List<Object> agreement = new ArrayList<>();
    for (InstitutionId id : channel.members()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("institution", id.value());
      entry.put("cert", base64url(descriptor.member(id).orElseThrow()));
      agreement.add(entry);
    }
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("maxTransactions", (long) channel.batch().maxTransactions());
    batch.put("maxDelayMillis", (long) channel.batch().maxDelayMillis());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(FederatedGenesis.MEMBERS, membership.toConfigBody().get("members"));
    body.put(FederatedGenesis.AGREEMENT_CERTIFICATES, agreement);
    body.put(FederatedGenesis.CONSENSUS, channel.consensus().wireName());
    body.put(FederatedGenesis.CONSENT_POLICY, channel.consentPolicy());
    body.put(FederatedGenesis.BATCH, batch);
    body.put(FederatedGenesis.FEDERATION, descriptor.federation().value());
    return FederatedGenesis.block(
        channelId, descriptor.federation().asInstitutionId(), descriptor.createdAt(), body);
  }

  private static String base64url(FederationMember member) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(member.agreementCertificate().getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
