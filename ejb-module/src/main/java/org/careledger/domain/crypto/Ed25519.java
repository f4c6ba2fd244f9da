package org.careledger.domain.crypto;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Ed25519 signatures (RFC 8032 §5.1: pure Ed25519, no context, no pre-hash) through Bouncy Castle's
 * lightweight API. The JDK's EdDSA provider gives the same signatures but is about 18 times slower
 * here, and every node verifies every transaction.
 *
 * <p>Keys are Bouncy Castle's parameter objects; the {@code privateKey} and {@code publicKey}
 * methods make them from the raw 32-byte encodings of RFC 8032 §5.1.5 and §5.1.2, or from the JDK
 * key objects and certificates the node keystore yields (PKCS#8 and X.509 encodings with the
 * Ed25519 algorithm identifier of RFC 8410 §3). Conversions reject anything else with {@link
 * ErrorCode#SIGNING_KEY_NOT_ED25519}.
 *
 * <p>Thread-safe: every call uses its own signer.
 */
public final class Ed25519 {

  /** Length of a private key (the RFC 8032 secret seed), in bytes. */
  public static final int PRIVATE_KEY_LENGTH = Ed25519PrivateKeyParameters.KEY_SIZE;

  /** Length of an encoded public key, in bytes. */
  public static final int PUBLIC_KEY_LENGTH = Ed25519PublicKeyParameters.KEY_SIZE;

  /** Length of a signature, in bytes. */
  public static final int SIGNATURE_LENGTH = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

  private static final ASN1ObjectIdentifier ID_ED25519 = EdECObjectIdentifiers.id_Ed25519;

  private Ed25519() {}

  /** Signs a message (RFC 8032 §5.1.6); Ed25519 is deterministic, so equal inputs sign equally. */
  public static byte[] sign(Ed25519PrivateKeyParameters privateKey, byte[] message) {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(message, "message");
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /**
   * Verifies a signature (RFC 8032 §5.1.7). Never throws on what a peer sends: a missing or
   * wrong-length signature, or one that does not decode, is simply not valid.
   */
  public static boolean verify(
      Ed25519PublicKeyParameters publicKey, byte[] message, byte[] signature) {
    if (publicKey == null
        || message == null
        || signature == null
        || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, publicKey);
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Verifies a signature against a raw 32-byte public key; a key of the wrong length, or one that
   * is no point of the curve, verifies nothing.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_LENGTH) {
      return false;
    }
    Ed25519PublicKeyParameters key;
    try {
      key = new Ed25519PublicKeyParameters(publicKey, 0);
    } catch (RuntimeException e) {
      return false;
    }
    return verify(key, message, signature);
  }

  /** The private key of a raw 32-byte secret (RFC 8032 §5.1.5). */
  public static Ed25519PrivateKeyParameters privateKey(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length != PRIVATE_KEY_LENGTH) {
      throw notEd25519("an Ed25519 private key has 32 bytes, not " + secret.length);
    }
    return new Ed25519PrivateKeyParameters(secret, 0);
  }

  /** The public key of a raw 32-byte encoding (RFC 8032 §5.1.2). */
  public static Ed25519PublicKeyParameters publicKey(byte[] encoded) {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.length != PUBLIC_KEY_LENGTH) {
      throw notEd25519("an Ed25519 public key has 32 bytes, not " + encoded.length);
    }
    try {
      return new Ed25519PublicKeyParameters(encoded, 0);
    } catch (IllegalArgumentException e) {
      throw new CareLedgerException(
          ErrorCode.SIGNING_KEY_NOT_ED25519, "the bytes are no point of Ed25519's curve", e);
    }
  }

  /** The public key belonging to a private key. */
  public static Ed25519PublicKeyParameters publicKey(Ed25519PrivateKeyParameters privateKey) {
    return Objects.requireNonNull(privateKey, "privateKey").generatePublicKey();
  }

  /**
   * The private key inside a JDK or provider key object, read from its PKCS#8 encoding (RFC 5958
   * OneAsymmetricKey, version 1 or 2), whose private key is the RFC 8410 §7 CurvePrivateKey.
   */
  public static Ed25519PrivateKeyParameters privateKey(PrivateKey key) {
    Objects.requireNonNull(key, "key");
    byte[] encoded = key.getEncoded();
    if (encoded == null || !"PKCS#8".equals(key.getFormat())) {
      throw notEd25519("the private key cannot be exported as PKCS#8 (" + key.getFormat() + ")");
    }
    byte[] secret = null;
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
      requireEd25519(info.getPrivateKeyAlgorithm());
      secret = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      return privateKey(secret);
    } catch (CareLedgerException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CareLedgerException(
          ErrorCode.SIGNING_KEY_NOT_ED25519, "the private key's PKCS#8 encoding is damaged", e);
    } finally {
      // Bouncy Castle copied the secret; leave no further copies on the heap.
      Arrays.fill(encoded, (byte) 0);
      if (secret != null) {
        Arrays.fill(secret, (byte) 0);
      }
    }
  }

  /** The public key inside a JDK or provider key object, read from its X.509 encoding. */
  public static Ed25519PublicKeyParameters publicKey(PublicKey key) {
    Objects.requireNonNull(key, "key");
    byte[] encoded = key.getEncoded();
    if (encoded == null || !"X.509".equals(key.getFormat())) {
      throw notEd25519("the public key cannot be exported as X.509 (" + key.getFormat() + ")");
    }
    try {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(encoded);
      requireEd25519(info.getAlgorithm());
      return publicKey(info.getPublicKeyData().getOctets());
    } catch (CareLedgerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CareLedgerException(
          ErrorCode.SIGNING_KEY_NOT_ED25519, "the public key's X.509 encoding is damaged", e);
    }
  }

  /** The public key a certificate binds; the certificate itself is not validated here. */
  public static Ed25519PublicKeyParameters publicKey(X509Certificate certificate) {
    return publicKey(Objects.requireNonNull(certificate, "certificate").getPublicKey());
  }

  private static void requireEd25519(AlgorithmIdentifier algorithm) {
    // RFC 8410 §3: the parameters must be absent.
    if (!ID_ED25519.equals(algorithm.getAlgorithm()) || algorithm.getParameters() != null) {
      throw notEd25519("the key's algorithm is " + algorithm.getAlgorithm() + ", not Ed25519");
    }
  }

  private static CareLedgerException notEd25519(String message) {
    return new CareLedgerException(ErrorCode.SIGNING_KEY_NOT_ED25519, message);
  }
}
