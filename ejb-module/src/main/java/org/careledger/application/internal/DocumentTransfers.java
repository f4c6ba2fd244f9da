package org.careledger.application.internal;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.careledger.application.LedgerStore;
import org.careledger.application.NodeKeys;
import org.careledger.application.NodeSettings;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.application.internal.ConsensusTransactions.Outbound;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.federation.FederationEnvelope;
import org.careledger.domain.federation.MessageType;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.sharing.AccessLedger;
import org.careledger.domain.sharing.DocumentTransfer;
import org.careledger.infrastructure.offchain.FileBlobStore;
import org.careledger.infrastructure.offchain.ReceivedDocument;
import org.careledger.persistence.offchain.BlobEntity;
import org.careledger.persistence.offchain.KeyEnvelopeEntity;

/**
 * Moves a record's ciphertext from its provider's node to a grantee's node over the federation
 * transport (signed envelopes, outbound queue, JMS bridge, inbound queue), both ends.
 *
 * <p><b>Grantee side.</b> {@link #fetch} sends a DOCUMENT_REQUEST naming the grant and waits for
 * the chunks. Each arriving chunk (in any order, possibly twice) is written at its offset into a
 * private directory under {@code <home>/retrieved/<transfer>}; when all are in, the file is placed
 * under its claimed content address, where {@link FileBlobStore#open} re-hashes it against the
 * chain's hash before a byte is decrypted. Chunks from anyone but the record's provider, or with a
 * size or hash other than the chain's, fail the transfer. Nothing is kept after the caller is done
 * (the caller deletes the directory): a grantee holds a document only while reading it, so an
 * erasure at the provider leaves no copy behind.
 *
 * <p><b>Provider side.</b> A DOCUMENT_REQUEST is served only under a grant in force on this node's
 * own chain, made by this node for that record to the sender, whose key envelope this node still
 * keeps (revoke and erase destroy it); otherwise a DOCUMENT_REFUSED answers. A grant (or
 * break-glass access) not on this node's chain at all is refused as {@code GRANT_UNKNOWN}: the
 * grantee holds it, so it is committed, and most likely on its way here; the grantee asks again
 * with a growing pause (250 ms to 2 s) until its wait is over, then reports the refusal. What is
 * served is the record's current version on this node's chain, with the grantee's envelope for that
 * version (the grant's own, or the one the amendment that made the version wrapped for the grant);
 * the grantee checks both against its own chain's current version. The ciphertext is read from the
 * store and sent in {@value DocumentTransfer#CHUNK_BYTES}-byte chunks, {@value #CHUNKS_PER_COMMIT}
 * per local JMS transaction, so the document is never whole in memory here, in either broker or on
 * the bridge (each chunk is an Artemis large message).
 *
 * <p>A bean-managed-concurrency singleton: the transfers in progress are in-memory state of this
 * node (a transfer does not survive a restart of the grantee's node; the caller sees a timeout and
 * asks again).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DocumentTransfers {

  private static final Logger LOG = Logger.getLogger(DocumentTransfers.class.getName());

  /** Chunks sent per local transaction on the provider's side. */
  static final int CHUNKS_PER_COMMIT = 4;

  /** What a completed transfer left: the ciphertext (under its address) and the key envelope. */
  public record Fetched(Path directory, FileBlobStore store, byte[] envelope) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Incoming> incoming = new ConcurrentHashMap<>();

  @EJB private ConsensusService consensus;
  @EJB private ConsensusTransactions tx;
  @EJB private LedgerStore store;
  @EJB private NodeKeys keys;

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  /** The clock and the pauses of {@link #fetch}'s retries. */
  interface Waits {
    Waits SYSTEM =
        new Waits() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
          }
        };

    long nanoTime();

    void sleep(long millis) throws InterruptedException;
  }

  private final Waits waits;

  /** For the container, which injects the fields above. */
  public DocumentTransfers() {
    this.waits = Waits.SYSTEM;
  }

  /** Unit tests: the grantee's side with its ports given (the provider's side needs the others). */
  DocumentTransfers(ConsensusService consensus, ConsensusTransactions tx, Waits waits) {
    this.consensus = consensus;
    this.tx = tx;
    this.waits = waits;
  }

  /** A transfer this node is waiting for. */
  private static final class Incoming {
    final InstitutionId provider;
    final String contentHash;
    final long size;
    final Path directory;
    final ReceivedDocument document;

    /** Completed by the last chunk or a refusal; a new one for each time the request is sent. */
    volatile CompletableFuture<Fetched> done = new CompletableFuture<>();

    Incoming(InstitutionId provider, String contentHash, long size, Path directory)
        throws IOException {
      this.provider = provider;
      this.contentHash = contentHash;
      this.size = size;
      this.directory = directory;
      this.document = new ReceivedDocument(directory, DocumentTransfer.chunkCount(size));
    }
  }

  /** How often a waiting fetch looks whether chunks arrived. */
  static final long PROGRESS_CHECK_MILLIS = 1_000;

  /**
   * The transfer's outcome, waiting until {@code deadline} and, once chunks arrive, until {@code
   * wait} after the last one: a large document that keeps arriving is not cut off at a fixed time
   * (a 200 MiB document took 111–157 s across a loaded two-core machine's bridges, past the default
   * 120 s), while a transfer that stalls still ends {@code wait} after its last chunk.
   */
  private Fetched delivered(Incoming transfer, long deadline, Duration wait)
      throws InterruptedException, ExecutionException, TimeoutException {
    int seen = transfer.document.chunksReceived();
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - waits.nanoTime());
      try {
        return transfer.done.get(
            Math.max(1, Math.min(left, PROGRESS_CHECK_MILLIS)), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        int now = transfer.document.chunksReceived();
        if (now > seen) {
          seen = now;
          deadline = Math.max(deadline, waits.nanoTime() + wait.toNanos());
        } else if (waits.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
    }
  }

  /**
   * Asks {@code record}'s provider for its ciphertext under {@code basisTx} (a grant, or a
   * break-glass access) and waits at most {@code wait}. The caller owns the result's directory and
   * must delete it ({@link #discard}). Runs outside any transaction: the request is committed to
   * the outbound queue on its own, and no transaction stays open while the chunks come.
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public Fetched fetch(
      String channelId, AccessLedger.Registration record, String basisTx, Duration wait) {
    byte[] transferId = new byte[DocumentTransfer.TRANSFER_ID_BYTES];
    random.nextBytes(transferId);
    String key = HexFormat.of().formatHex(transferId);
    Path directory = NodeSettings.fromSystemProperties().home().resolve("retrieved").resolve(key);
    Incoming transfer;
    try {
      transfer = new Incoming(record.provider(), record.contentHash(), record.size(), directory);
    } catch (IOException e) {
      discard(directory);
      throw new CareLedgerException(
          ErrorCode.BLOB_STORE_FAILED, "cannot prepare to receive a document: " + e, e);
    }
    incoming.put(key, transfer);
    long deadline = waits.nanoTime() + wait.toNanos();
    long pauseMillis = 250;
    try {
      byte[] request =
          new DocumentTransfer.Request(transferId, record.recordId(), basisTx).encode();
      while (true) {
        byte[] envelope =
            consensus
                .seal(channelId, MessageType.DOCUMENT_REQUEST, request)
                .orElseThrow(
                    () ->
                        new CareLedgerException(
                            ErrorCode.NODE_NOT_READY,
                            "the federation is not started on this node"));
        tx.send(List.of(new Outbound(record.provider(), envelope)));
        try {
          return delivered(transfer, deadline, wait);
        } catch (ExecutionException e) {
          // The provider's chain does not hold the grant yet (it committed here, and is on its
          // way there): ask again, after a pause, while there is time.
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - waits.nanoTime());
          if (e.getCause() instanceof CareLedgerException coded
              && coded.errorCode() == ErrorCode.GRANT_UNKNOWN
              && left > pauseMillis) {
            waits.sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 2_000);
            transfer.done = new CompletableFuture<>();
            continue;
          }
          throw e;
        }
      }
    } catch (TimeoutException e) {
      throw new CareLedgerException(
          ErrorCode.TRANSFER_TIMEOUT,
          "the provider "
              + record.provider()
              + " did not deliver record "
              + record.recordId()
              + " within "
              + wait.toSeconds()
              + " s of the request or of its last chunk ("
              + transfer.document.chunksReceived()
              + " of "
              + DocumentTransfer.chunkCount(record.size())
              + " chunks arrived)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CareLedgerException coded) {
        // A grant this node holds that the provider still does not, after the whole wait: to the
        // caller, the provider refused.
        ErrorCode code =
            coded.errorCode() == ErrorCode.GRANT_UNKNOWN
                ? ErrorCode.ACCESS_DENIED
                : coded.errorCode();
        throw new CareLedgerException(code, coded.getMessage(), coded);
      }
      throw new CareLedgerException(ErrorCode.TRANSFER_FAILED, "transfer failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CareLedgerException(ErrorCode.TRANSFER_TIMEOUT, "interrupted while waiting", e);
    } finally {
      incoming.remove(key);
      closeQuietly(transfer.document);
      if (!transfer.done.isDone() || transfer.done.isCompletedExceptionally()) {
        discard(directory);
      }
    }
  }

  /** Deletes what a transfer left. Idempotent. */
  public static void discard(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warning("cannot remove " + directory + ": " + e);
    }
  }

  /** A DOCUMENT_* envelope, verified by the federation inbound handler. */
  public void onMessage(FederationEnvelope envelope) {
    switch (envelope.type()) {
      case DOCUMENT_REQUEST -> serve(envelope);
      case DOCUMENT_CHUNK -> receive(envelope, DocumentTransfer.Chunk.decode(envelope.payload()));
      case DOCUMENT_REFUSED ->
          refused(envelope, DocumentTransfer.Refusal.decode(envelope.payload()));
      default -> throw new IllegalArgumentException(envelope.type().name());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Grantee side
  // ------------------------------------------------------------------------------------------

  private void receive(FederationEnvelope envelope, DocumentTransfer.Chunk chunk) {
    Incoming transfer = incoming.get(HexFormat.of().formatHex(chunk.transferId()));
    if (transfer == null || transfer.done.isDone()) {
      return; // finished, timed out, or not ours: a late or repeated chunk
    }
    if (!envelope.sender().equals(transfer.provider)
        || chunk.totalSize() != transfer.size
        || !HexFormat.of().formatHex(chunk.contentHash()).equals(transfer.contentHash)) {
      transfer.done.completeExceptionally(
          new CareLedgerException(
              ErrorCode.TRANSFER_FAILED,
              "a chunk from "
                  + envelope.sender()
                  + " does not match the chain's record (provider "
                  + transfer.provider
                  + ", "
                  + transfer.size
                  + " bytes, SHA-256 "
                  + transfer.contentHash
                  + ")"));
      return;
    }
    try {
      if (!transfer.document.accept(
          chunk.index(), chunk.offset(), chunk.data(), chunk.envelope())) {
        return; // more to come, or a repeat of a chunk that is here already
      }
      FileBlobStore placed = transfer.document.place(transfer.contentHash);
      transfer.done.complete(new Fetched(transfer.directory, placed, transfer.document.envelope()));
    } catch (IOException | RuntimeException e) {
      transfer.done.completeExceptionally(
          new CareLedgerException(
              ErrorCode.BLOB_STORE_FAILED, "cannot write or place a received document: " + e, e));
    }
  }

  private void refused(FederationEnvelope envelope, DocumentTransfer.Refusal refusal) {
    Incoming transfer = incoming.get(HexFormat.of().formatHex(refusal.transferId()));
    if (transfer == null || !envelope.sender().equals(transfer.provider)) {
      return;
    }
    ErrorCode code =
        ErrorCode.ofNumber(refusal.errorCode())
            .filter(
                c ->
                    c == ErrorCode.ACCESS_DENIED
                        || c == ErrorCode.RECORD_ERASED
                        || c == ErrorCode.GRANT_UNKNOWN)
            .orElse(ErrorCode.TRANSFER_FAILED);
    transfer.done.completeExceptionally(
        new CareLedgerException(
            code, "the provider " + transfer.provider + " refused: " + refusal.reason()));
  }

  // ------------------------------------------------------------------------------------------
  // Provider side
  // ------------------------------------------------------------------------------------------

  private void serve(FederationEnvelope envelope) {
    DocumentTransfer.Request request = DocumentTransfer.Request.decode(envelope.payload());
    String channelId = envelope.channel().orElseThrow().value();
    InstitutionId grantee = envelope.sender();
    InstitutionId self = keys.identity().institutionId();
    // The record's own view (SharingRefs): a grant or break-glass access of another record is not
    // in it, and is answered as one not on this chain (GRANT_UNKNOWN) rather than ACCESS_DENIED.
    AccessLedger access = DefaultSharingService.recordView(store, channelId, request.recordId());
    AccessLedger.Registration record = access.record(request.recordId()).orElse(null);
    if (record == null || !record.provider().equals(self)) {
      refuse(channelId, grantee, request, ErrorCode.ACCESS_DENIED, "not a record of " + self);
      return;
    }
    if (access.erased(record.recordId())) {
      refuse(channelId, grantee, request, ErrorCode.RECORD_ERASED, "the record was erased");
      return;
    }
    long now = System.currentTimeMillis();
    AccessLedger.BreakGlass emergency = access.breakGlass(request.grantTx()).orElse(null);
    if (emergency != null) {
      if (!emergency.recordId().equals(record.recordId())
          || !emergency.accessor().equals(grantee)
          || !emergency.inForce(now)) {
        refuse(
            channelId,
            grantee,
            request,
            ErrorCode.ACCESS_DENIED,
            "the break-glass access names another record or institution, or is over");
        return;
      }
      sendOrRefuse(channelId, grantee, request, record, null);
      return;
    }
    AccessLedger.Grant grant = access.grant(request.grantTx()).orElse(null);
    if (grant == null) {
      // Neither a grant nor a break-glass access on this chain: most likely committed by the
      // others and not here yet (this node was not in that block's quorum, or is catching up).
      // The grantee asks again until its wait is over (see fetch).
      refuse(
          channelId,
          grantee,
          request,
          ErrorCode.GRANT_UNKNOWN,
          "transaction " + request.grantTx() + " is not on " + self + "'s chain (yet)");
      return;
    }
    if (!grant.recordId().equals(record.recordId())
        || !grant.grantee().equals(grantee)
        || !grant.grantor().equals(self)
        || !grant.inForce(now)) {
      refuse(
          channelId,
          grantee,
          request,
          ErrorCode.ACCESS_DENIED,
          "no grant in force for " + grantee + " on record " + record.recordId());
      return;
    }
    String envelopeHash = AccessLedger.envelopeFor(grant, record).orElse(null);
    KeyEnvelopeEntity key =
        envelopeHash == null ? null : em.find(KeyEnvelopeEntity.class, envelopeHash);
    BlobEntity blob = em.find(BlobEntity.class, record.contentHash());
    if (key == null
        || !key.getRecipient().equals(grantee.value())
        || blob == null
        || blob.getErasedAt() != null) {
      refuse(
          channelId,
          grantee,
          request,
          ErrorCode.ACCESS_DENIED,
          "the key envelope or content of the grant for version "
              + record.version()
              + " is not kept here");
      return;
    }
    sendOrRefuse(channelId, grantee, request, record, key.getEnvelope());
  }

  /** Sends the document (wrapping the key now where {@code keyEnvelope} is null), or refuses. */
  private void sendOrRefuse(
      String channelId,
      InstitutionId grantee,
      DocumentTransfer.Request request,
      AccessLedger.Registration record,
      byte[] keyEnvelope) {
    try {
      byte[] envelope =
          keyEnvelope != null ? keyEnvelope : emergencyEnvelope(channelId, record, grantee);
      send(channelId, grantee, request, record, envelope);
    } catch (CareLedgerException | UncheckedIOException e) {
      LOG.warning("cannot serve " + request + " to " + grantee + ": " + e.getMessage());
      refuse(
          channelId,
          grantee,
          request,
          ErrorCode.TRANSFER_FAILED,
          "the provider cannot read the stored document");
    }
  }

  /**
   * A break-glass access has no envelope committed ahead: the data key is wrapped for the accessor
   * now, and travels only in the transfer (never stored). The accessor cannot check it against the
   * chain; AES-GCM authentication of every chunk under the record's context proves it right.
   */
  private byte[] emergencyEnvelope(
      String channelId, AccessLedger.Registration record, InstitutionId accessor) {
    java.security.cert.X509Certificate recipient =
        consensus
            .agreementCertificate(accessor.value())
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.FEDERATION_PEER_UNKNOWN, "no agreement key for " + accessor));
    byte[] context = DefaultRecordService.context(channelId, record.recordId(), record.version());
    javax.crypto.SecretKey dataKey =
        DefaultRecordService.ownDataKey(
            em, keys.identity(), record.recordId(), record.envelopeHash(), context);
    return org.careledger.domain.offchain.DataKeyEnvelope.seal(
        dataKey, recipient.getPublicKey(), context);
  }

  private void send(
      String channelId,
      InstitutionId grantee,
      DocumentTransfer.Request request,
      AccessLedger.Registration record,
      byte[] keyEnvelope) {
    byte[] contentHash = HexFormat.of().parseHex(record.contentHash());
    FileBlobStore documents = DefaultRecordService.documents();
    try (FileChannel in = documents.ciphertext(record.contentHash())) {
      long size = in.size();
      if (size != record.size()) {
        throw new CareLedgerException(
            ErrorCode.BLOB_HASH_MISMATCH,
            "stored ciphertext of " + record.recordId() + " is not the size the chain says");
      }
      int count = DocumentTransfer.chunkCount(size);
      List<Outbound> batch = new ArrayList<>(CHUNKS_PER_COMMIT);
      for (int index = 0; index < count; index++) {
        ByteBuffer data = ByteBuffer.allocate(DocumentTransfer.lengthOf(index, size));
        long position = (long) index * DocumentTransfer.CHUNK_BYTES;
        while (data.hasRemaining()) {
          int read = in.read(data, position);
          if (read < 0) {
            throw new IOException("ciphertext ended early");
          }
          position += read;
        }
        DocumentTransfer.Chunk chunk =
            new DocumentTransfer.Chunk(
                request.transferId(),
                index,
                count,
                size,
                contentHash,
                index == 0 ? keyEnvelope : new byte[0],
                data.array());
        batch.add(
            new Outbound(grantee, seal(channelId, MessageType.DOCUMENT_CHUNK, chunk.encode())));
        if (batch.size() == CHUNKS_PER_COMMIT || index == count - 1) {
          tx.send(batch);
          batch = new ArrayList<>(CHUNKS_PER_COMMIT);
        }
      }
      LOG.info(
          () ->
              "sent record "
                  + record.recordId()
                  + " ("
                  + size
                  + " bytes, "
                  + count
                  + " chunks) to "
                  + grantee
                  + " under grant "
                  + request.grantTx());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ciphertext of " + record.recordId(), e);
    }
  }

  private void refuse(
      String channelId,
      InstitutionId grantee,
      DocumentTransfer.Request request,
      ErrorCode code,
      String reason) {
    LOG.info(() -> "refused " + request + " from " + grantee + ": " + code + " " + reason);
    byte[] refusal =
        new DocumentTransfer.Refusal(request.transferId(), code.number(), reason).encode();
    tx.send(List.of(new Outbound(grantee, seal(channelId, MessageType.DOCUMENT_REFUSED, refusal))));
  }

  private byte[] seal(String channelId, MessageType type, byte[] payload) {
    return consensus
        .seal(channelId, type, payload)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.NODE_NOT_READY, "the federation is not started on this node"));
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // a temporary file, discarded with its directory
    }
  }
}
