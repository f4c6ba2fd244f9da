package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.SecretStore;
import org.careledger.domain.ledger.ChannelId;
import org.junit.jupiter.api.Test;

class PseudonymKeyRingTest {

  private final Map<String, char[]> stored = new HashMap<>();
  private int writes;
  private final PseudonymKeyRing ring = new PseudonymKeyRing();

  {
    ring.useSecretStore(store(true));
  }

  /** The test's map as a secret store; with {@code writable} false, a write fails the test. */
  private SecretStore store(boolean writable) {
    return new SecretStore() {
      @Override
      public Optional<char[]> find(String alias) {
        return Optional.ofNullable(stored.get(alias)).map(char[]::clone);
      }

      @Override
      public void put(String alias, char[] secret) {
        if (!writable) {
          throw new AssertionError("a stored key is never replaced");
        }
        writes++;
        stored.put(alias, secret.clone());
      }
    };
  }

  @Test
  void aChannelHeldAloneGetsOneKeyGeneratedAndStoredBeforeUse() {
    ChannelId channel = new ChannelId("solo");

    byte[] first = ring.keyOf(channel, true);
    byte[] again = ring.keyOf(channel, true);

    assertThat(first).hasSize(32).isEqualTo(again);
    assertThat(writes).isEqualTo(1);
    assertThat(Base64.getUrlDecoder().decode(new String(stored.get("pseudonym-key-solo"))))
        .isEqualTo(first);
    PseudonymKeyRing restarted = new PseudonymKeyRing();
    restarted.useSecretStore(store(false));
    assertThat(restarted.keyOf(channel, true)).isEqualTo(first);
  }

  @Test
  void aSharedChannelUsesTheProvisionedKeyAndNeverInventsOne() {
    byte[] key = new byte[32];
    key[0] = 7;
    stored.put(
        "pseudonym-key-care-bft",
        Base64.getUrlEncoder().withoutPadding().encodeToString(key).toCharArray());

    assertThat(ring.keyOf(new ChannelId("care-bft"), false)).isEqualTo(key);
    assertThatThrownBy(() -> ring.keyOf(new ChannelId("care-trio"), false))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageContaining("pseudonym-key-care-trio")
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.PSEUDONYM_KEY_MISSING);
    assertThat(writes).isZero();
  }

  @Test
  void aStoredKeyOfTheWrongFormIsRefusedNotUsed() {
    stored.put("pseudonym-key-short", "AAAA".toCharArray());
    stored.put("pseudonym-key-garbled", "not base64!".toCharArray());

    for (String channel : new String[] {"short", "garbled"}) {
      assertThatThrownBy(() -> ring.keyOf(new ChannelId(channel), true))
          .isInstanceOf(CareLedgerException.class)
          .extracting(e -> ((CareLedgerException) e).errorCode())
          .isEqualTo(ErrorCode.PSEUDONYM_KEY_MISSING);
    }
    assertThat(writes).isZero();
  }
}
