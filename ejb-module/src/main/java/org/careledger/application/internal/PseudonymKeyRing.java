package org.careledger.application.internal;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.careledger.application.NodeSettings;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.SecretStore;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.sharing.PatientPseudonyms;
import org.careledger.infrastructure.identity.ElytronSecretStore;

/**
 * The channels' pseudonym keys, from the node's credential store (alias {@code
 * pseudonym-key-<channel>}, 32 bytes as unpadded base64url), kept in memory once read.
 *
 * <p>Where they come from: for a channel of several members every member must hold the same key, so
 * the federation launcher generates one per channel and writes it into each local member's
 * credential store (between institutions it is exchanged out of band, like the bridge passwords); a
 * member that lacks it refuses to register records on that channel ({@code PSEUDONYM_KEY_MISSING})
 * rather than invent one nobody else has. A channel this node holds alone gets a key generated here
 * on first use (SecureRandom), stored before it is used. Generation is serialised, so two first
 * registrations cannot create two keys.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PseudonymKeyRing {

  static final String ALIAS_PREFIX = "pseudonym-key-";

  private final Map<ChannelId, byte[]> keys = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private SecretStore secrets;

  /** For tests: another secret store than WildFly's. */
  void useSecretStore(SecretStore store) {
    this.secrets = store;
  }

  private synchronized SecretStore secrets() {
    if (secrets == null) {
      secrets = new ElytronSecretStore(NodeSettings.fromSystemProperties().credentialStore());
    }
    return secrets;
  }

  /**
   * The channel's key.
   *
   * @param aloneOnChannel whether this node is the channel's only member (then a missing key is
   *     generated)
   */
  public byte[] keyOf(ChannelId channel, boolean aloneOnChannel) {
    byte[] key = keys.get(channel);
    if (key == null) {
      key = load(channel, aloneOnChannel);
    }
    return key.clone();
  }

  private synchronized byte[] load(ChannelId channel, boolean aloneOnChannel) {
    byte[] cached = keys.get(channel);
    if (cached != null) {
      return cached;
    }
    String alias = ALIAS_PREFIX + channel.value();
    Optional<char[]> stored = secrets().find(alias);
    byte[] key;
    if (stored.isPresent()) {
      char[] chars = stored.get();
      try {
        key = Base64.getUrlDecoder().decode(new String(chars));
      } catch (IllegalArgumentException e) {
        throw missing(channel, "the stored key is not base64url");
      } finally {
        Arrays.fill(chars, '\0');
      }
      if (key.length != PatientPseudonyms.KEY_BYTES) {
        throw missing(channel, "the stored key is " + key.length + " bytes, not 32");
      }
    } else if (aloneOnChannel) {
      key = new byte[PatientPseudonyms.KEY_BYTES];
      random.nextBytes(key);
      char[] encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(key).toCharArray();
      secrets().put(alias, encoded);
      Arrays.fill(encoded, '\0');
    } else {
      throw missing(
          channel,
          "this node's credential store holds no alias "
              + alias
              + "; every member of the channel needs the same key (federation.sh up provisions"
              + " it; between institutions it is exchanged out of band)");
    }
    keys.put(channel, key);
    return key;
  }

  private static CareLedgerException missing(ChannelId channel, String why) {
    return new CareLedgerException(
        ErrorCode.PSEUDONYM_KEY_MISSING, "no pseudonym key for channel " + channel + ": " + why);
  }
}
