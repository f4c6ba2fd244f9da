package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.application.NodeSettings;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.application.internal.ConsensusTransactions.Outbound;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.federation.FederationEnvelope;
import org.careledger.domain.federation.FederationId;
import org.careledger.domain.federation.MessageType;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.sharing.AccessLedger;
import org.careledger.domain.sharing.DocumentTransfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The grantee's side of {@link DocumentTransfers#fetch}: a provider whose chain does not hold the
 * grant yet ({@code GRANT_UNKNOWN}) is asked again after 250 ms, then twice as long each time up to
 * 2 s, while the wait lasts; any other refusal is final. The transport is a double that answers
 * each request at once as the test scripts it, and the clock and pauses are simulated: nothing
 * sleeps.
 */
class DocumentTransfersRetryTest {

  private static final String CHANNEL = "care-bft";
  private static final InstitutionId PROVIDER = new InstitutionId("hospital-a");
  private static final String GRANT_TX = "ab".repeat(32);
  private static final byte[] KEY_ENVELOPE = {1, 2, 3, 4};

  private final byte[] ciphertext = new byte[1000];
  private String contentHash;
  private AccessLedger.Registration record;

  private final SimulatedTime time = new SimulatedTime();
  private final Provider provider = new Provider();
  private DocumentTransfers transfers;

  private Path home;
  private String previousHome;

  @BeforeEach
  void setUp() throws Exception {
    new SecureRandom().nextBytes(ciphertext);
    contentHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ciphertext));
    record = registration("rec-1", contentHash, ciphertext.length);
    home = Files.createTempDirectory("careledger-transfers");
    previousHome = System.setProperty(NodeSettings.HOME, home.toString());
    transfers = new DocumentTransfers(sealsAsIs(), provider, time);
    provider.transfers = transfers;
  }

  @AfterEach
  void tearDown() {
    if (previousHome == null) {
      System.clearProperty(NodeSettings.HOME);
    } else {
      System.setProperty(NodeSettings.HOME, previousHome);
    }
    DocumentTransfers.discard(home);
  }

  @Test
  void grantUnknownTwiceThenTheDocumentSucceedsAfterPausesOf250And500Millis() {
    provider.answers.add(Answer.GRANT_UNKNOWN);
    provider.answers.add(Answer.GRANT_UNKNOWN);
    provider.answers.add(Answer.DOCUMENT);

    DocumentTransfers.Fetched fetched =
        transfers.fetch(CHANNEL, record, GRANT_TX, Duration.ofSeconds(30));

    try {
      assertThat(fetched.store().exists(contentHash)).isTrue();
      assertThat(fetched.envelope()).isEqualTo(KEY_ENVELOPE);
    } finally {
      DocumentTransfers.discard(fetched.directory());
    }
    assertThat(time.pauses).containsExactly(250L, 500L);
    assertThat(provider.requestedAtMillis).containsExactly(0L, 250L, 750L);
    assertThat(provider.requests).hasSize(3);
    assertThat(provider.requests)
        .allSatisfy(
            request -> {
              assertThat(request.transferId()).isEqualTo(provider.requests.get(0).transferId());
              assertThat(request.recordId()).isEqualTo("rec-1");
              assertThat(request.grantTx()).isEqualTo(GRANT_TX);
            });
  }

  @Test
  void grantUnknownUntilTheWaitEndsIsAccessDeniedAfterRetriesBoundedByTheWait() {
    provider.always = Answer.GRANT_UNKNOWN;
    Duration wait = Duration.ofSeconds(10);

    assertThatThrownBy(() -> transfers.fetch(CHANNEL, record, GRANT_TX, wait))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED));
    // Doubling from 250 ms, at most 2 s, and no pause that would end after the wait.
    assertThat(time.pauses).containsExactly(250L, 500L, 1000L, 2000L, 2000L, 2000L, 2000L);
    assertThat(time.pauses.stream().mapToLong(Long::longValue).sum())
        .isLessThanOrEqualTo(wait.toMillis());
    assertThat(provider.requests).hasSize(time.pauses.size() + 1);
  }

  @ParameterizedTest
  @EnumSource(
      value = ErrorCode.class,
      names = {"ACCESS_DENIED", "RECORD_ERASED"})
  void anyOtherRefusalIsFinalAtOnce(ErrorCode refusal) {
    provider.always = refusal == ErrorCode.ACCESS_DENIED ? Answer.DENIED : Answer.ERASED;

    assertThatThrownBy(() -> transfers.fetch(CHANNEL, record, GRANT_TX, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(refusal));
    assertThat(provider.requests).hasSize(1);
    assertThat(time.pauses).isEmpty();
  }

  /**
   * In real time: chunks that keep arriving every 600 ms carry the fetch past its 1 s wait, since
   * the wait runs again from each chunk; a transfer that stops after its first chunk ends with
   * {@code TRANSFER_TIMEOUT} about a wait after that chunk. (A fixed wait cut a 200 MiB document
   * off in a clean-clone run on a loaded machine.)
   */
  @Test
  void theWaitRunsFromTheLastChunkSoASlowTransferCompletesAndAStalledOneTimesOut()
      throws Exception {
    byte[] big = new byte[2 * DocumentTransfer.CHUNK_BYTES + 1000];
    new SecureRandom().nextBytes(big);
    String bigHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
    AccessLedger.Registration bigRecord = registration("rec-big", bigHash, big.length);
    Duration wait = Duration.ofSeconds(1);

    provider.slow = new SlowDelivery(big, bigHash, 600, 3);
    transfers = new DocumentTransfers(sealsAsIs(), provider, DocumentTransfers.Waits.SYSTEM);
    provider.transfers = transfers;
    long started = System.nanoTime();
    DocumentTransfers.Fetched fetched = transfers.fetch(CHANNEL, bigRecord, GRANT_TX, wait);
    long tookMillis = (System.nanoTime() - started) / 1_000_000L;
    try {
      assertThat(fetched.store().exists(bigHash)).isTrue();
    } finally {
      DocumentTransfers.discard(fetched.directory());
    }
    assertThat(tookMillis).as("past the 1 s wait").isGreaterThan(wait.toMillis());

    provider.slow = new SlowDelivery(big, bigHash, 100, 1);
    started = System.nanoTime();
    assertThatThrownBy(() -> transfers.fetch(CHANNEL, bigRecord, GRANT_TX, wait))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.TRANSFER_TIMEOUT);
              assertThat(e.getMessage()).contains("1 of 3 chunks arrived");
            });
    assertThat((System.nanoTime() - started) / 1_000_000L)
        .as("a wait after the only chunk, give or take a progress check")
        .isBetween(wait.toMillis(), wait.toMillis() + 2 * DocumentTransfers.PROGRESS_CHECK_MILLIS);
  }

  /** Delivers the first {@code chunks} chunks of {@code bytes}, one every {@code everyMillis}. */
  private record SlowDelivery(byte[] bytes, String hash, long everyMillis, int chunks) {}

  // ---- doubles

  /** A clock that moves only when the code under test pauses. */
  private static final class SimulatedTime implements DocumentTransfers.Waits {
    long nanos = 1_000_000_000L;
    final List<Long> pauses = new ArrayList<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleep(long millis) {
      pauses.add(millis);
      nanos += millis * 1_000_000L;
    }
  }

  private enum Answer {
    GRANT_UNKNOWN,
    DENIED,
    ERASED,
    DOCUMENT
  }

  /**
   * The outbound queue, with the provider behind it: each request sent is answered at once, as the
   * provider's signed envelope reaching {@link DocumentTransfers#onMessage}.
   */
  private final class Provider extends ConsensusTransactions {
    final Deque<Answer> answers = new ArrayDeque<>();
    Answer always;
    SlowDelivery slow;
    final List<DocumentTransfer.Request> requests = new ArrayList<>();
    final List<Long> requestedAtMillis = new ArrayList<>();
    DocumentTransfers transfers;
    private final Ed25519PrivateKeyParameters key =
        new Ed25519PrivateKeyParameters(new SecureRandom());
    private final long start = time.nanoTime();

    @Override
    public void send(List<Outbound> messages) {
      for (Outbound message : messages) {
        assertThat(message.peer()).isEqualTo(PROVIDER);
        DocumentTransfer.Request request = DocumentTransfer.Request.decode(message.bytes());
        requests.add(request);
        if (slow != null) {
          SlowDelivery delivery = slow;
          Thread sender =
              new Thread(
                  () -> {
                    int count = DocumentTransfer.chunkCount(delivery.bytes().length);
                    for (int i = 0; i < delivery.chunks(); i++) {
                      try {
                        Thread.sleep(delivery.everyMillis());
                      } catch (InterruptedException e) {
                        return;
                      }
                      int from = i * DocumentTransfer.CHUNK_BYTES;
                      int to =
                          Math.min(delivery.bytes().length, from + DocumentTransfer.CHUNK_BYTES);
                      deliver(
                          MessageType.DOCUMENT_CHUNK,
                          new DocumentTransfer.Chunk(
                                  request.transferId(),
                                  i,
                                  count,
                                  delivery.bytes().length,
                                  HexFormat.of().parseHex(delivery.hash()),
                                  i == 0 ? KEY_ENVELOPE : new byte[0],
                                  java.util.Arrays.copyOfRange(delivery.bytes(), from, to))
                              .encode());
                    }
                  });
          sender.setDaemon(true);
          sender.start();
          continue;
        }
        requestedAtMillis.add((time.nanoTime() - start) / 1_000_000L);
        Answer answer = answers.isEmpty() ? always : answers.poll();
        switch (answer) {
          case GRANT_UNKNOWN -> refuse(request, ErrorCode.GRANT_UNKNOWN);
          case DENIED -> refuse(request, ErrorCode.ACCESS_DENIED);
          case ERASED -> refuse(request, ErrorCode.RECORD_ERASED);
          case DOCUMENT ->
              deliver(
                  MessageType.DOCUMENT_CHUNK,
                  new DocumentTransfer.Chunk(
                          request.transferId(),
                          0,
                          1,
                          ciphertext.length,
                          HexFormat.of().parseHex(contentHash),
                          KEY_ENVELOPE,
                          ciphertext)
                      .encode());
        }
      }
    }

    private void refuse(DocumentTransfer.Request request, ErrorCode code) {
      deliver(
          MessageType.DOCUMENT_REFUSED,
          new DocumentTransfer.Refusal(request.transferId(), code.number(), code.name()).encode());
    }

    private void deliver(MessageType type, byte[] payload) {
      byte[] messageId = new byte[FederationEnvelope.MESSAGE_ID_BYTES];
      new SecureRandom().nextBytes(messageId);
      transfers.onMessage(
          FederationEnvelope.sign(
              new FederationId("unit-test"),
              new ChannelId(CHANNEL),
              PROVIDER,
              type,
              messageId,
              System.currentTimeMillis(),
              payload,
              key));
    }
  }

  /** A consensus service whose only use here, sealing, hands the payload back unsigned. */
  private static ConsensusService sealsAsIs() {
    return (ConsensusService)
        Proxy.newProxyInstance(
            ConsensusService.class.getClassLoader(),
            new Class<?>[] {ConsensusService.class},
            (proxy, method, args) -> {
              if (method.getName().equals("seal")) {
                return Optional.of((byte[]) args[2]);
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** Version 1 of a record of {@code PROVIDER}'s, a lab report of the fixture's patient. */
  private static AccessLedger.Registration registration(String recordId, String hash, long size) {
    return new AccessLedger.Registration(
        recordId,
        PROVIDER,
        hash,
        size,
        "cd".repeat(32),
        "ef".repeat(32),
        1,
        "application/pdf",
        Map.of(),
        "01".repeat(32),
        "11502-2");
  }
}
