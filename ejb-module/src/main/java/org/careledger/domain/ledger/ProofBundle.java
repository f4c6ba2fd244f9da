package org.careledger.domain.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.careledger.domain.ledger.merkle.InclusionProof;
import org.careledger.domain.ledger.merkle.MerkleTree;

/**
 * Everything needed to convince someone with no access to CareLedger that a transaction is on a
 * channel's chain: the signed transaction, its RFC 9162 audit path, consecutive block headers up to
 * a chosen head with their commit certificates, the genesis block (which lists the first members
 * and their signing certificates) and the config transactions that changed the membership since.
 * Canonical JSON; binary values in unpadded base64url, hashes in hex:
 *
 * <pre>{"auditPath":["hex",...],"channel":"..","configTransactions":[{"auditPath":["hex",...],
 * "height":h,"leafIndex":i,"transaction":"..","treeSize":n},...],"genesis":{"certificate":"..",
 * "header":"..","transactions":[".."]},"headers":[{"certificate":"..","header":".."},...],
 * "height":h,"leafIndex":i,"transaction":"..","treeSize":n,"v":2}</pre>
 *
 * <p><b>Membership over time (version 2).</b> A block is committed by the members of the
 * configuration in force at its height ({@link ChannelConfig}), which config transactions ({@code
 * config-update} and {@code config-approval}) committed after genesis change. A bundle carries
 * every config transaction committed after genesis up to the head, each with its block's height,
 * its leaf index, the tree size and its audit path against that block's header in the bundle. Its
 * header list therefore starts at the earliest block holding a config transaction, or at the
 * transaction's block if that is earlier, and runs consecutively, hash-linked, to the head, so that
 * every config block is proven to be on the same chain as the transaction's block and the head;
 * {@code height} says which header is the transaction's block (its audit path is against that
 * header's {@code txRoot}). The verifier folds the configuration from the genesis block and the
 * config transactions with {@link ChannelConfig#next}, exactly as {@link ChainVerifier} does, and
 * checks every config transaction's signature, every header's certificate and the transaction's
 * signature under the membership in force at its block's height, seen at the block's time ({@code
 * ChainVerifier.signers}: a revoked or expired certificate signs nothing). An update counts only
 * with the approvals the deciding members' quorum needs, as on the chain, since its approvals are
 * among the config transactions. With no config transaction up to the head the bundle has neither
 * {@code height} nor {@code configTransactions} and its headers start at the transaction's block,
 * as in version 1. Version 1 bundles (checked against the genesis configuration) are still read.
 *
 * <p><b>The limit.</b> A bundle cannot prove that no config transaction was left out: that would
 * take every transaction of every block from the first config block on. Leaving out an add-member
 * or a renewal fails closed: the newcomer's or the new key's signatures do not count, so a
 * certificate that needs them falls short of the quorum. Leaving out a removal or a revocation
 * could only make a signature of the removed member or the revoked key count again, which alone
 * never makes a quorum unless former members form one. Two cheap checks narrow even that: a config
 * update must be based on a configuration the fold went through, and an approval must approve an
 * update the bundle holds. Nodes propose updates on the configuration in force and approve only
 * proposals already on their chain, so an update left out shows as soon as a later carried update
 * builds on it or one of its approvals is carried; what stays unprovable is leaving out the last
 * applied updates together with all their approvals. (These checks refuse a bundle of a chain whose
 * members committed a void update on a configuration that never was in force, or an approval of no
 * update, which no node submits: they fail closed.)
 */
public final class ProofBundle {

  /** The version {@link #create} writes; {@link #verify} also reads version 1. */
  public static final int VERSION = 2;

  private static final long VERSION_1 = 1;
  private static final String CONFIG_TRANSACTIONS = "configTransactions";

  private ProofBundle() {}

  /**
   * The bundle (version {@value #VERSION}) of a transaction. Its headers run from the earliest
   * block after genesis holding a config transaction, or from {@code height} if that is earlier, to
   * {@code head}; the chain is taken as it is (verify it first with {@link ChainVerifier}).
   *
   * @param chain the channel's blocks from genesis (at least up to {@code head})
   * @param height the block holding the transaction
   * @param index the transaction's position in that block
   * @param head the last block whose header the bundle carries (≥ height)
   */
  public static byte[] create(List<Block> chain, int height, int index, int head) {
    if (height < 0 || head < height || head >= chain.size()) {
      throw new IllegalArgumentException("need 0 <= height <= head < chain size");
    }
    Block block = chain.get(height);
    InclusionProof proof = MerkleTree.inclusionProof(leaves(block), index);
    List<Object> configs = new ArrayList<>();
    int first = height;
    for (int h = 1; h <= head; h++) {
      List<SignedTransaction> transactions = chain.get(h).transactions();
      for (int i = 0; i < transactions.size(); i++) {
        if (isConfig(transactions.get(i))) {
          first = Math.min(first, h);
          Map<String, Object> entry = proofJson(MerkleTree.inclusionProof(leaves(chain.get(h)), i));
          entry.put("height", (long) h);
          entry.put("transaction", Json.base64url(transactions.get(i).encoded()));
          configs.add(entry);
        }
      }
    }
    Block genesis = chain.get(0);
    Map<String, Object> genesisJson = new LinkedHashMap<>();
    genesisJson.put("header", Json.base64url(genesis.header().encoded()));
    genesisJson.put(
        "transactions",
        genesis.transactions().stream().map(tx -> (Object) Json.base64url(tx.encoded())).toList());
    genesisJson.put("certificate", Json.base64url(genesis.certificate().encoded()));
    List<Object> headers = new ArrayList<>();
    for (int h = first; h <= head; h++) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("header", Json.base64url(chain.get(h).header().encoded()));
      entry.put("certificate", Json.base64url(chain.get(h).certificate().encoded()));
      headers.add(entry);
    }
    Map<String, Object> json = proofJson(proof);
    json.put("v", (long) VERSION);
    json.put("channel", block.header().channel().value());
    json.put("transaction", Json.base64url(block.transactions().get(index).encoded()));
    json.put("headers", headers);
    json.put("genesis", genesisJson);
    if (!configs.isEmpty()) {
      json.put("height", (long) height);
      json.put(CONFIG_TRANSACTIONS, configs);
    }
    return CanonicalJson.encode(json);
  }

  /**
   * What a verified bundle proves: the transaction is in block {@code height}, and blocks {@code
   * from}..{@code head} are each committed by a quorum of the members in force at its height,
   * folded from genesis and {@code configTransactions} config transactions; {@code members} is the
   * number of members in force at the transaction's block.
   */
  public record Verified(
      String channel,
      String transactionId,
      String type,
      String author,
      long height,
      long head,
      int members,
      long from,
      int configTransactions) {}

  /**
   * Checks a bundle; throws {@link CareLedgerException} (PROOF_INVALID, or the code of the failing
   * part) naming the exact check that failed.
   */
  public static Verified verify(byte[] bundle) {
    try {
      return check(bundle);
    } catch (CareLedgerException e) {
      if (e.errorCode() == ErrorCode.PROOF_INVALID) {
        throw e;
      }
      throw invalid("bundle structure", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw invalid("bundle structure", e.getMessage());
    }
  }

  /** A config transaction as the bundle lists it, before it is checked. */
  private record ConfigEntry(long height, byte[] bytes, InclusionProof proof) {}

  private static Verified check(byte[] bundle) {
    Map<String, Object> json;
    try {
      json = Json.object(CanonicalJson.decode(bundle), "proof bundle", -1);
    } catch (CareLedgerException e) {
      throw invalid("bundle encoding", e.getMessage());
    }
    long version = Json.integer(json, "v");
    if (version != VERSION && version != VERSION_1) {
      throw invalid("bundle version", "unsupported version " + json.get("v"));
    }
    boolean governed = version == VERSION && json.containsKey(CONFIG_TRANSACTIONS);
    int keys = governed ? 10 : 8;
    if (json.size() != keys) {
      throw invalid(
          "bundle structure",
          "a version "
              + version
              + " bundle "
              + (governed ? "with" : "without")
              + " config transactions has exactly "
              + keys
              + " members, this one has "
              + json.size());
    }
    // 1. Genesis: verified as a one-block chain, which yields the first configuration.
    Map<String, Object> genesisJson = Json.object(json.get("genesis"), "genesis", 3);
    List<byte[]> genesisTxs = new ArrayList<>();
    for (Object tx : Json.array(genesisJson, "transactions")) {
      // singletonMap, not Map.of: an element may be JSON null, which Json then refuses.
      genesisTxs.add(Json.base64url(Collections.singletonMap("tx", tx), "tx", -1));
    }
    ChainVerifier.StoredBlock genesis =
        new ChainVerifier.StoredBlock(
            Json.base64url(genesisJson, "header", -1),
            genesisTxs,
            Json.base64url(genesisJson, "certificate", -1));
    ChainVerifier.Report genesisReport = new ChainVerifier().verify(List.of(genesis));
    if (!genesisReport.ok()) {
      ChainVerifier.Failure f = genesisReport.failure();
      throw invalid("genesis " + f.check(), f.detail());
    }
    BlockHeader genesisHeader = BlockHeader.decode(genesis.header());
    String channel = Json.string(json, "channel");
    if (!genesisHeader.channel().value().equals(channel)) {
      throw invalid("channel", "genesis is for channel " + genesisHeader.channel());
    }
    // The configuration of height 0, and the one in force from height 1 (folded over genesis).
    ChannelConfig atGenesis = ChannelConfig.genesis(SignedTransaction.decode(genesisTxs.get(0)));
    Fold fold = new Fold(atGenesis);
    for (byte[] tx : genesisTxs) {
      fold.apply(0, SignedTransaction.decode(tx));
    }
    // 2. Headers: consecutive, linked, time never going backwards (certificates: step 4).
    List<Object> headerList = Json.array(json, "headers");
    if (headerList.isEmpty()) {
      throw invalid("headers", "no block header");
    }
    List<BlockHeader> headers = new ArrayList<>();
    List<CommitCertificate> certificates = new ArrayList<>();
    for (Object entry : headerList) {
      Map<String, Object> h = Json.object(entry, "header entry", 2);
      BlockHeader header = BlockHeader.decode(Json.base64url(h, "header", -1));
      CommitCertificate certificate =
          CommitCertificate.decode(Json.base64url(h, "certificate", -1));
      if (!header.channel().value().equals(channel)) {
        throw invalid(
            "channel", "block " + header.height() + " is for channel " + header.channel());
      }
      if (header.height() == 0 && !header.equals(genesisHeader)) {
        throw invalid("genesis", "the header of block 0 is not the bundle's genesis block");
      }
      if (headers.isEmpty()
          && header.height() == 1
          && !Arrays.equals(header.previousHash(), genesisHeader.hash())) {
        throw invalid("link", "block 1 does not follow the bundle's genesis block");
      }
      if (!headers.isEmpty()) {
        BlockHeader previous = headers.get(headers.size() - 1);
        if (header.height() != previous.height() + 1
            || !Arrays.equals(header.previousHash(), previous.hash())) {
          throw invalid(
              "link", "block " + header.height() + " does not follow block " + previous.height());
        }
        if (header.time() < previous.time()) {
          throw invalid(
              "time", "block " + header.height() + " is older than block " + previous.height());
        }
      }
      headers.add(header);
      certificates.add(certificate);
    }
    long first = headers.get(0).height();
    long last = headers.get(headers.size() - 1).height();
    long height = governed ? Json.integer(json, "height") : first;
    if (height < first || height > last) {
      throw invalid(
          "transaction height",
          "block " + height + " is not among the headers, blocks " + first + ".." + last);
    }
    // 3. Config transactions: in chain order, each in a block among the headers (after genesis).
    List<ConfigEntry> configs = governed ? configEntries(json, first, last) : List.of();
    // 4. Block by block: the config transactions, under the configuration in force at the height,
    // then the certificate; the configuration of the next height is folded from them.
    ChannelConfig txConfig = null;
    Membership txSigners = null;
    int next = 0;
    for (int k = 0; k < headers.size(); k++) {
      BlockHeader header = headers.get(k);
      boolean isGenesis = header.height() == 0;
      ChannelConfig config = isGenesis ? atGenesis : fold.config;
      Membership signers = ChainVerifier.signers(config, header);
      while (next < configs.size() && configs.get(next).height() == header.height()) {
        fold.verifyAndApply(configs.get(next), next, header, signers);
        next++;
      }
      // Genesis was verified above as a whole (a federated genesis has no certificate to check).
      String problem =
          isGenesis ? null : ChainVerifier.certificateProblem(header, certificates.get(k), signers);
      if (problem != null) {
        throw invalid("commit certificate of block " + header.height(), problem);
      }
      if (header.height() == height) {
        txConfig = config;
        txSigners = signers;
      }
    }
    // 5. The transaction: signed by a member in force at its block, and in that block's tree.
    byte[] txBytes = Json.base64url(json, "transaction", -1);
    SignedTransaction tx;
    try {
      tx = SignedTransaction.decode(txBytes);
    } catch (CareLedgerException e) {
      throw invalid("transaction signature", e.getMessage());
    }
    if (!tx.transaction().channel().value().equals(channel)) {
      throw invalid("channel", "the transaction is for channel " + tx.transaction().channel());
    }
    try {
      if (tx.isSigned() || !Arrays.equals(txBytes, genesisTxs.get(0))) {
        // The one unsigned transaction provable is the federated genesis's, verified above.
        tx.verify(txSigners);
      }
    } catch (CareLedgerException e) {
      throw invalid("transaction signature", e.getMessage());
    }
    BlockHeader block = headers.get((int) (height - first));
    InclusionProof proof = proof(json);
    if (proof.treeSize() != block.txCount()) {
      throw invalid(
          "inclusion proof",
          "tree size " + proof.treeSize() + " but block holds " + block.txCount());
    }
    try {
      MerkleTree.verifyInclusion(MerkleTree.leafHash(txBytes), proof, block.txRoot());
    } catch (CareLedgerException e) {
      throw invalid("inclusion proof", e.getMessage());
    }
    return new Verified(
        channel,
        tx.idHex(),
        tx.transaction().type().wireName(),
        tx.transaction().author().value(),
        block.height(),
        last,
        txConfig.membership().size(),
        first,
        configs.size());
  }

  /** The bundle's config transactions, read and checked for order and height. */
  private static List<ConfigEntry> configEntries(Map<String, Object> json, long first, long last) {
    List<Object> list = Json.array(json, CONFIG_TRANSACTIONS);
    if (list.isEmpty()) {
      throw invalid("bundle structure", "a bundle without config transactions leaves them out");
    }
    List<ConfigEntry> entries = new ArrayList<>();
    for (int n = 0; n < list.size(); n++) {
      Map<String, Object> e = Json.object(list.get(n), "config transaction", 5);
      ConfigEntry entry =
          new ConfigEntry(
              Json.integer(e, "height"), Json.base64url(e, "transaction", -1), proof(e));
      if (!entries.isEmpty()) {
        ConfigEntry previous = entries.get(entries.size() - 1);
        if (entry.height() < previous.height()
            || (entry.height() == previous.height()
                && entry.proof().leafIndex() <= previous.proof().leafIndex())) {
          throw invalid(
              "config transaction order",
              "config transaction "
                  + n
                  + " ("
                  + where(entry)
                  + ") does not follow "
                  + where(previous));
        }
      }
      if (entry.height() < Math.max(1, first) || entry.height() > last) {
        throw invalid(
            "config transaction height",
            "config transaction "
                + n
                + " is in block "
                + entry.height()
                + ", not among the headers after genesis (blocks "
                + Math.max(1, first)
                + ".."
                + last
                + ")");
      }
      entries.add(entry);
    }
    return entries;
  }

  /**
   * The configuration folded from genesis through the config transactions checked so far, as {@link
   * ChainVerifier} folds it: {@link ChannelConfig#next} one transaction at a time (the same as a
   * whole block at once, and the block's other transactions change nothing).
   */
  private static final class Fold {

    ChannelConfig config;

    /** Ids of the configurations the fold went through (genesis config, applied updates). */
    final Set<String> configurations = new HashSet<>();

    /** Ids of the config updates seen, applied or not. */
    final Set<String> updates = new HashSet<>();

    final Set<String> seen = new HashSet<>();

    Fold(ChannelConfig genesis) {
      config = genesis;
      configurations.add(genesis.id());
    }

    void apply(long height, SignedTransaction tx) {
      if (tx.transaction().type() == TransactionType.CONFIG_UPDATE) {
        updates.add(tx.idHex());
      }
      config = config.next(height, List.of(tx));
      configurations.add(config.id());
    }

    /** Checks the config transaction {@code entry} of {@code header}'s block, then applies it. */
    void verifyAndApply(ConfigEntry entry, int n, BlockHeader header, Membership signers) {
      String at = "config transaction " + n + " (" + where(entry) + ")";
      if (entry.proof().treeSize() != header.txCount()) {
        throw invalid(
            "config transaction inclusion",
            at
                + ": tree size "
                + entry.proof().treeSize()
                + " but block holds "
                + header.txCount());
      }
      try {
        MerkleTree.verifyInclusion(
            MerkleTree.leafHash(entry.bytes()), entry.proof(), header.txRoot());
      } catch (CareLedgerException e) {
        throw invalid("config transaction inclusion", at + ": " + e.getMessage());
      }
      SignedTransaction tx;
      try {
        tx = SignedTransaction.decode(entry.bytes());
      } catch (CareLedgerException e) {
        throw invalid("config transaction decoding", at + ": " + e.getMessage());
      }
      if (!isConfig(tx)) {
        throw invalid(
            "config transaction type", at + " is a " + tx.transaction().type().wireName());
      }
      if (!tx.transaction().channel().equals(header.channel())) {
        throw invalid(
            "config transaction channel", at + " is for channel " + tx.transaction().channel());
      }
      try {
        tx.verify(signers);
      } catch (CareLedgerException e) {
        throw invalid("config transaction signature", at + ": " + e.getMessage());
      }
      if (!seen.add(tx.idHex())) {
        throw invalid("config transaction duplicate", at + " appears twice");
      }
      if (tx.transaction().type() == TransactionType.CONFIG_UPDATE) {
        String base = baseOf(tx);
        if (base != null && !configurations.contains(base)) {
          throw invalid(
              "config transaction base",
              at
                  + " is based on configuration "
                  + base
                  + ", which none of the bundle's config transactions made: an update it"
                  + " builds on is left out");
        }
      } else if (tx.transaction().body().get("proposal") instanceof String proposal
          && !updates.contains(proposal)) {
        throw invalid(
            "config transaction approval",
            at + " approves update " + proposal + ", which the bundle does not hold");
      }
      apply(header.height(), tx);
    }
  }

  /** The base of a config update, or null for a malformed update (void on the chain). */
  private static String baseOf(SignedTransaction tx) {
    try {
      return ChannelConfig.Update.of(tx).base();
    } catch (CareLedgerException e) {
      return null;
    }
  }

  private static boolean isConfig(SignedTransaction tx) {
    TransactionType type = tx.transaction().type();
    return type == TransactionType.CONFIG_UPDATE || type == TransactionType.CONFIG_APPROVAL;
  }

  private static List<byte[]> leaves(Block block) {
    return block.transactions().stream().map(SignedTransaction::leafHash).toList();
  }

  private static Map<String, Object> proofJson(InclusionProof proof) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("leafIndex", proof.leafIndex());
    json.put("treeSize", proof.treeSize());
    json.put("auditPath", proof.auditPath().stream().map(p -> (Object) Json.hex(p)).toList());
    return json;
  }

  private static InclusionProof proof(Map<String, Object> json) {
    List<byte[]> path = new ArrayList<>();
    for (Object p : Json.array(json, "auditPath")) {
      path.add(Json.hex32(Collections.singletonMap("p", p), "p"));
    }
    return new InclusionProof(
        Json.integer(json, "leafIndex"), Json.integer(json, "treeSize"), path);
  }

  private static String where(ConfigEntry entry) {
    return "block " + entry.height() + ", leaf " + entry.proof().leafIndex();
  }

  private static CareLedgerException invalid(String check, String detail) {
    return new CareLedgerException(ErrorCode.PROOF_INVALID, check + ": " + detail);
  }
}
