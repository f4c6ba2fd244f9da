package org.careledger.domain.ledger;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;

/**
 * Members with real keys, and chains built and committed by them, for the ledger tests (also used
 * by the verifier module's tests through the test jar).
 */
public final class LedgerFixture {

  public static final ChannelId CHANNEL = new ChannelId("ch-test");

  /** The fixture's clock: block {@code i} has time T0 + i seconds. */
  public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private static final SecureRandom RANDOM = new SecureRandom();

  public final List<Member> members = new ArrayList<>();
  public final List<Ed25519PrivateKeyParameters> keys = new ArrayList<>();
  public final List<Block> blocks = new ArrayList<>();

  public LedgerFixture(String... institutions) {
    NodeIdentityGenerator generator = new NodeIdentityGenerator();
    for (String name : institutions) {
      NodeIdentity identity = generator.generate(new InstitutionId(name), T0, List.of());
      members.add(new Member(identity.institutionId(), identity.signingCertificate()));
      keys.add(Ed25519.privateKey(identity.signingKey()));
    }
  }

  /** A member's identity with the keys a test signs with. */
  public record Identity(
      Member member, Ed25519PrivateKeyParameters key, byte[] agreementCertificate) {}

  /** A fresh identity of {@code institution} (a newcomer, a renewal), certified at {@code at}. */
  public static Identity identity(String institution, Instant at) {
    try {
      NodeIdentity identity =
          new NodeIdentityGenerator().generate(new InstitutionId(institution), at, List.of());
      return new Identity(
          new Member(identity.institutionId(), identity.signingCertificate()),
          Ed25519.privateKey(identity.signingKey()),
          identity.agreementCertificate().getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds (or, for an institution already at {@code index}, replaces) a signer of this fixture. */
  public int use(Identity identity) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).institution().equals(identity.member().institution())) {
        members.set(i, identity.member());
        keys.set(i, identity.key());
        return i;
      }
    }
    members.add(identity.member());
    keys.add(identity.key());
    return members.size() - 1;
  }

  public Membership membership() {
    return new Membership(members);
  }

  public SignedTransaction tx(int author, TransactionType type, Map<String, Object> body) {
    Member member = members.get(author);
    Transaction transaction =
        new Transaction(
            CHANNEL,
            type,
            member.institution(),
            member.signingFingerprint(),
            nonce(),
            T0.toEpochMilli() + blocks.size(),
            body);
    return SignedTransaction.sign(transaction, keys.get(author));
  }

  public SignedTransaction register(int author, String recordId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", recordId);
    body.put("version", 1L);
    body.put("contentHash", "ab".repeat(32));
    body.put("size", 1234L);
    body.put("mediaType", "application/pdf");
    body.put("documentClass", "11502-2");
    body.put("patient", "cd".repeat(32));
    return tx(author, TransactionType.REGISTER, body);
  }

  /** Genesis: a channel-config by member 0 listing every member, committed by all. */
  public Block genesis() {
    return commit(
        List.of(tx(0, TransactionType.CHANNEL_CONFIG, membership().toConfigBody())), allSigners());
  }

  /** Appends a block of these transactions, signed by the members at {@code signers}. */
  public Block commit(List<SignedTransaction> transactions, int... signers) {
    BlockHeader previous = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1).header();
    BlockHeader header =
        Block.header(
            CHANNEL,
            previous,
            transactions,
            T0.toEpochMilli() + 1000L * blocks.size(),
            members.get(0).institution());
    List<CommitCertificate.Signature> signatures = new ArrayList<>();
    for (int signer : signers) {
      signatures.add(CommitCertificate.sign(header, members.get(signer), keys.get(signer)));
    }
    Block block = new Block(header, transactions, new CommitCertificate(signatures));
    blocks.add(block);
    return block;
  }

  public int[] allSigners() {
    int[] all = new int[members.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /** The channel configuration in force after the last block, folded as the chain verifier does. */
  public ChannelConfig config() {
    ChannelConfig config = ChannelConfig.genesis(blocks.get(0).transactions().get(0));
    for (int h = 0; h < blocks.size(); h++) {
      config = config.next(h, blocks.get(h).transactions());
    }
    return config;
  }

  /** Member {@code member}'s approval of the config update {@code update}. */
  public SignedTransaction approve(int member, SignedTransaction update) {
    return tx(member, TransactionType.CONFIG_APPROVAL, ChannelConfig.approval(update.idHex()));
  }

  public List<ChainVerifier.StoredBlock> stored() {
    return blocks.stream().map(Block::stored).toList();
  }

  private static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
