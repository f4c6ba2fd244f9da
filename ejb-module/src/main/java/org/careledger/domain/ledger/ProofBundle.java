package org.careledger.domain.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.careledger.domain.ledger.merkle.InclusionProof;
import org.careledger.domain.ledger.merkle.MerkleTree;

/**
 * Everything needed to convince someone with no access to CareLedger that a transaction is on a
 * channel's chain: the signed transaction, its RFC 9162 audit path, the headers from its block to a
 * chosen head with their commit certificates, and the genesis block (which lists the members and
 * their signing certificates). Canonical JSON; binary values in unpadded base64url, hashes in hex:
 *
 * <pre>{"auditPath":["hex",...],"channel":"..","genesis":{"certificate":"..","header":"..",
 * "transactions":[".."]},"headers":[{"certificate":"..","header":".."},...],"leafIndex":i,
 * "transaction":"..","treeSize":n,"v":1}</pre>
 */
public final class ProofBundle {

  public static final int VERSION = 1;

  private ProofBundle() {}

  /**
   * @param chain the channel's blocks from genesis
   * @param height the block holding the transaction
   * @param index the transaction's position in that block
   * @param head the last block whose header the bundle carries (≥ height)
   */
  public static byte[] create(List<Block> chain, int height, int index, int head) {
    if (height < 0 || head < height || head >= chain.size()) {
      throw new IllegalArgumentException("need 0 <= height <= head < chain size");
    }
    Block block = chain.get(height);
    InclusionProof proof =
        MerkleTree.inclusionProof(
            block.transactions().stream().map(SignedTransaction::leafHash).toList(), index);
    Block genesis = chain.get(0);
    Map<String, Object> genesisJson = new LinkedHashMap<>();
    genesisJson.put("header", Json.base64url(genesis.header().encoded()));
    genesisJson.put(
        "transactions",
        genesis.transactions().stream().map(tx -> (Object) Json.base64url(tx.encoded())).toList());
    genesisJson.put("certificate", Json.base64url(genesis.certificate().encoded()));
    List<Object> headers = new ArrayList<>();
    for (int h = height; h <= head; h++) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("header", Json.base64url(chain.get(h).header().encoded()));
      entry.put("certificate", Json.base64url(chain.get(h).certificate().encoded()));
      headers.add(entry);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("v", (long) VERSION);
    json.put("channel", block.header().channel().value());
    json.put("transaction", Json.base64url(block.transactions().get(index).encoded()));
    json.put("leafIndex", proof.leafIndex());
    json.put("treeSize", proof.treeSize());
    json.put("auditPath", proof.auditPath().stream().map(p -> (Object) Json.hex(p)).toList());
    json.put("headers", headers);
    json.put("genesis", genesisJson);
    return CanonicalJson.encode(json);
  }

  /** What a verified bundle proves. */
  public record Verified(
      String channel,
      String transactionId,
      String type,
      String author,
      long height,
      long head,
      int members) {}

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

  private static Verified check(byte[] bundle) {
    Map<String, Object> json;
    try {
      json = Json.object(CanonicalJson.decode(bundle), "proof bundle", 8);
    } catch (CareLedgerException e) {
      throw invalid("bundle encoding", e.getMessage());
    }
    if (Json.integer(json, "v") != VERSION) {
      throw invalid("bundle version", "unsupported version " + json.get("v"));
    }
    // 1. Genesis: verified as a one-block chain, which yields the membership.
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
    Membership membership =
        Membership.fromConfigBody(SignedTransaction.decode(genesisTxs.get(0)).transaction().body());
    String channel = Json.string(json, "channel");
    if (!genesisHeader.channel().value().equals(channel)) {
      throw invalid("channel", "genesis is for channel " + genesisHeader.channel());
    }
    // 2. Headers: each committed by a quorum, consecutive and linked.
    List<Object> headerList = Json.array(json, "headers");
    if (headerList.isEmpty()) {
      throw invalid("headers", "no block header");
    }
    List<BlockHeader> headers = new ArrayList<>();
    for (Object entry : headerList) {
      Map<String, Object> h = Json.object(entry, "header entry", 2);
      BlockHeader header = BlockHeader.decode(Json.base64url(h, "header", -1));
      CommitCertificate certificate =
          CommitCertificate.decode(Json.base64url(h, "certificate", -1));
      if (!header.channel().value().equals(channel)) {
        throw invalid(
            "channel", "block " + header.height() + " is for channel " + header.channel());
      }
      // Genesis was verified above as a whole (a federated genesis has no certificate to check).
      boolean isGenesis = header.height() == 0 && header.equals(genesisHeader);
      String problem =
          isGenesis ? null : ChainVerifier.certificateProblem(header, certificate, membership);
      if (problem != null) {
        throw invalid("commit certificate of block " + header.height(), problem);
      }
      if (!headers.isEmpty()) {
        BlockHeader previous = headers.get(headers.size() - 1);
        if (header.height() != previous.height() + 1
            || !Arrays.equals(header.previousHash(), previous.hash())) {
          throw invalid(
              "link", "block " + header.height() + " does not follow block " + previous.height());
        }
      }
      headers.add(header);
    }
    // 3. The transaction: signed by a member, and in the first header's Merkle tree.
    byte[] txBytes = Json.base64url(json, "transaction", -1);
    SignedTransaction tx;
    try {
      tx = SignedTransaction.decode(txBytes);
      if (tx.isSigned() || !Arrays.equals(txBytes, genesisTxs.get(0))) {
        // The one unsigned transaction provable is the federated genesis's, verified above.
        tx.verify(membership);
      }
    } catch (CareLedgerException e) {
      throw invalid("transaction signature", e.getMessage());
    }
    BlockHeader block = headers.get(0);
    List<byte[]> path = new ArrayList<>();
    for (Object p : Json.array(json, "auditPath")) {
      path.add(Json.hex32(Collections.singletonMap("p", p), "p"));
    }
    InclusionProof proof =
        new InclusionProof(Json.integer(json, "leafIndex"), Json.integer(json, "treeSize"), path);
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
        headers.get(headers.size() - 1).height(),
        membership.size());
  }

  private static CareLedgerException invalid(String check, String detail) {
    return new CareLedgerException(ErrorCode.PROOF_INVALID, check + ": " + detail);
  }
}
