package org.careledger.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.careledger.domain.ledger.merkle.MerkleTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CareLedger's own code paths, to be read beside {@link PrimitivesBenchmark} from the same run: the
 * difference between a path and its primitive is what our encoding, parsing and checks cost.
 *
 * <p>{@link #verifyChain} reports transactions per second over a chain of {@value #BLOCKS} blocks
 * of {@value #TRANSACTIONS_PER_BLOCK} transactions, committed in BFT mode by 3 of 4 members. Each
 * block also checks its 3 commit signatures, so the chain costs {@value #SIGNATURE_CHECKS} Ed25519
 * verifications for {@value #TOTAL_TRANSACTIONS} transactions (1.5% more than one per transaction).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LedgerBenchmark {

  static final int BLOCKS = 50;
  static final int TRANSACTIONS_PER_BLOCK = 200;
  static final int TOTAL_TRANSACTIONS = BLOCKS * TRANSACTIONS_PER_BLOCK;
  static final int COMMIT_SIGNERS = 3;
  static final int SIGNATURE_CHECKS = TOTAL_TRANSACTIONS + BLOCKS * COMMIT_SIGNERS;
  static final int MERKLE_LEAVES = 1000;

  private final ChainVerifier chainVerifier = new ChainVerifier();
  private Membership membership;
  private Transaction transaction;
  private Ed25519PrivateKeyParameters authorKey;
  private byte[] transactionBytes;
  private byte[] transactionSignature;
  private Ed25519PublicKeyParameters authorPublicKey;
  private byte[] signedTransaction;
  private Object signedTransactionJson;
  private List<ChainVerifier.StoredBlock> chain;
  private List<byte[]> leafHashes;

  @Setup(Level.Trial)
  public void setUp() {
    LedgerFixture fixture = new LedgerFixture("h1", "h2", "h3", "h4");
    membership = fixture.membership();
    SignedTransaction typical = fixture.register(1, "record-0001");
    transaction = typical.transaction();
    authorKey = fixture.keys.get(1);
    transactionBytes = transaction.canonicalBytes();
    transactionSignature = typical.signature();
    authorPublicKey = fixture.members.get(1).publicKey();
    signedTransaction = typical.encoded();
    signedTransactionJson = CanonicalJson.decode(signedTransaction);

    chain = buildChain(fixture);
    ChainVerifier.Report report = chainVerifier.verify(chain);
    // A chain that failed early would be measured as a very fast verifier.
    if (!report.ok() || report.transactionsVerified() != TOTAL_TRANSACTIONS) {
      throw new IllegalStateException("benchmark chain does not verify: " + report);
    }

    leafHashes = new ArrayList<>(MERKLE_LEAVES);
    for (int i = 0; i < MERKLE_LEAVES; i++) {
      leafHashes.add(MerkleTree.leafHash(fixture.register(i % 4, "leaf-" + i).encoded()));
    }
  }

  /**
   * Genesis holds the channel-config and then registers like every other block, so every block has
   * exactly {@value #TRANSACTIONS_PER_BLOCK} transactions. Block b is committed by all members but
   * b mod 4: a BFT quorum of 3, with the absent member rotating as it would in practice.
   */
  private static List<ChainVerifier.StoredBlock> buildChain(LedgerFixture fixture) {
    for (int b = 0; b < BLOCKS; b++) {
      List<SignedTransaction> transactions = new ArrayList<>(TRANSACTIONS_PER_BLOCK);
      if (b == 0) {
        transactions.add(
            fixture.tx(0, TransactionType.CHANNEL_CONFIG, fixture.membership().toConfigBody()));
      }
      while (transactions.size() < TRANSACTIONS_PER_BLOCK) {
        int author = transactions.size() % 4;
        transactions.add(fixture.register(author, "record-" + b + "-" + transactions.size()));
      }
      int[] signers = new int[COMMIT_SIGNERS];
      for (int s = 0, member = 0; member < 4; member++) {
        if (member != b % 4) {
          signers[s++] = member;
        }
      }
      fixture.commit(transactions, signers);
    }
    return fixture.stored();
  }

  @Benchmark
  public SignedTransaction signTransaction() {
    return SignedTransaction.sign(transaction, authorKey);
  }

  @Benchmark
  public SignedTransaction decodeAndVerifyTransaction() {
    SignedTransaction decoded = SignedTransaction.decode(signedTransaction);
    decoded.verify(membership);
    return decoded;
  }

  /**
   * The primitive under {@link #signTransaction} on the same message: a canonical transaction is
   * longer than PrimitivesBenchmark's 200 bytes, which costs Ed25519 two more SHA-512 blocks.
   */
  @Benchmark
  public byte[] ed25519SignTransactionBytes() {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, authorKey);
    signer.update(transactionBytes, 0, transactionBytes.length);
    return signer.generateSignature();
  }

  /** The primitive under {@link #decodeAndVerifyTransaction} on the same message and key. */
  @Benchmark
  public boolean ed25519VerifyTransactionBytes() {
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, authorPublicKey);
    verifier.update(transactionBytes, 0, transactionBytes.length);
    return verifier.verifySignature(transactionSignature);
  }

  @Benchmark
  @OperationsPerInvocation(TOTAL_TRANSACTIONS)
  public ChainVerifier.Report verifyChain() {
    return chainVerifier.verify(chain);
  }

  @Benchmark
  public byte[] merkleRootOf1000Leaves() {
    return MerkleTree.root(leafHashes);
  }

  @Benchmark
  public byte[] canonicalEncodeTransaction() {
    return CanonicalJson.encode(signedTransactionJson);
  }

  @Benchmark
  public Object canonicalDecodeTransaction() {
    return CanonicalJson.decode(signedTransaction);
  }
}
