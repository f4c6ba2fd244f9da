package org.careledger.domain.consensus;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * Channels of 1 to 7 members with real Ed25519 identities (generated once per JVM), their genesis
 * blocks, and a fixed pool of signed transactions. Everything a seed's outcome depends on is the
 * same on every run: identities come from a seeded generator and transactions have fixed nonces.
 */
final class ConsensusFixture {

  static final ChannelId CHANNEL = new ChannelId("sim-channel");
  static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
  static final int MAX_MEMBERS = 7;
  static final int TRANSACTIONS = 400;

  static final List<Member> MEMBERS = new ArrayList<>();
  static final List<Ed25519PrivateKeyParameters> KEYS = new ArrayList<>();
  private static final Map<Integer, Membership> MEMBERSHIPS = new LinkedHashMap<>();
  private static final Map<Integer, Block> GENESIS = new LinkedHashMap<>();
  static final List<SignedTransaction> POOL = new ArrayList<>();

  /** Shared across seeds: a transaction is verified once per JVM, whatever the seed. */
  static final TransactionVerifier TX_VERIFIER =
      new CachingTransactionVerifier(TransactionVerifier.DIRECT, 100_000);

  static {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(20260122L);
      NodeIdentityGenerator generator =
          new NodeIdentityGenerator(new BouncyCastleProvider(), random);
      for (int i = 0; i < MAX_MEMBERS; i++) {
        NodeIdentity identity =
            generator.generate(
                new InstitutionId("member-" + (char) ('a' + i)),
                Instant.ofEpochMilli(T0),
                List.of());
        MEMBERS.add(new Member(identity.institutionId(), identity.signingCertificate()));
        KEYS.add(Ed25519.privateKey(identity.signingKey()));
      }
      for (int n = 1; n <= MAX_MEMBERS; n++) {
        MEMBERSHIPS.put(n, new Membership(MEMBERS.subList(0, n)));
      }
      for (int i = 0; i < TRANSACTIONS; i++) {
        POOL.add(register(i < TRANSACTIONS / 2 ? 0 : 1, i));
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ConsensusFixture() {}

  /** Transactions whose authors are members of a channel of {@code n} (member 0 always is). */
  static List<SignedTransaction> pool(int n) {
    return n > 1 ? POOL : POOL.subList(0, TRANSACTIONS / 2);
  }

  static Membership membership(int n) {
    return MEMBERSHIPS.get(n);
  }

  static synchronized Block genesis(int n) {
    return GENESIS.computeIfAbsent(
        n,
        size -> {
          SignedTransaction config =
              tx(0, TransactionType.CHANNEL_CONFIG, membership(size).toConfigBody(), 0);
          BlockHeader header =
              Block.header(CHANNEL, null, List.of(config), T0, MEMBERS.get(0).institution());
          List<CommitCertificate.Signature> seals = new ArrayList<>();
          for (int i = 0; i < size; i++) {
            seals.add(CommitCertificate.sign(header, MEMBERS.get(i), KEYS.get(i)));
          }
          return new Block(header, List.of(config), new CommitCertificate(seals));
        });
  }

  static ConsensusSigner ed25519Signer(int member) {
    return Ed25519Signatures.signer(MEMBERS.get(member), KEYS.get(member));
  }

  static SignedTransaction register(int author, int serial) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", "rec-" + serial);
    body.put("version", 1L);
    body.put("contentHash", String.format("%064x", serial));
    body.put("size", 1234L);
    body.put("mediaType", "application/pdf");
    body.put("documentClass", "11502-2");
    body.put("patient", "cd".repeat(32));
    return tx(author, TransactionType.REGISTER, body, serial + 1);
  }

  static SignedTransaction tx(
      int author, TransactionType type, Map<String, Object> body, long serial) {
    Member member = MEMBERS.get(author);
    byte[] nonce = new byte[16];
    for (int i = 0; i < 8; i++) {
      nonce[i] = (byte) (serial >>> (8 * i));
    }
    nonce[15] = (byte) author;
    Transaction transaction =
        new Transaction(
            CHANNEL,
            type,
            member.institution(),
            member.signingFingerprint(),
            Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
            T0 + serial,
            body);
    return SignedTransaction.sign(transaction, KEYS.get(author));
  }
}
