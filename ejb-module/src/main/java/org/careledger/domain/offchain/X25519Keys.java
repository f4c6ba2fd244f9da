package org.careledger.domain.offchain;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Optional;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Turns X25519 keys of any provider into Bouncy Castle's parameters: the JDK's {@link
 * XECPrivateKey} and {@link XECPublicKey} (as a PKCS#12 keystore yields them) directly, others
 * through their PKCS#8 or X.509 encodings.
 */
final class X25519Keys {

  private static final int LENGTH = 32;

  private X25519Keys() {}

  /**
   * @throws IllegalArgumentException if {@code key} is not an X25519 public key
   */
  static X25519PublicKeyParameters publicKey(PublicKey key) {
    if (key instanceof XECPublicKey xec && isX25519(xec.getParams())) {
      return new X25519PublicKeyParameters(littleEndian(xec.getU()));
    }
    AsymmetricKeyParameter parameters;
    try {
      parameters = PublicKeyFactory.createKey(encoded(key.getEncoded()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an X25519 public key: " + key.getAlgorithm(), e);
    }
    if (parameters instanceof X25519PublicKeyParameters x25519) {
      return x25519;
    }
    throw new IllegalArgumentException("not an X25519 public key: " + key.getAlgorithm());
  }

  /**
   * The private key with its public key, as HPKE's recipient side wants them.
   *
   * @throws IllegalArgumentException if {@code key} is not an X25519 private key
   */
  static AsymmetricCipherKeyPair keyPair(PrivateKey key) {
    X25519PrivateKeyParameters privateKey = privateKey(key);
    return new AsymmetricCipherKeyPair(privateKey.generatePublicKey(), privateKey);
  }

  private static X25519PrivateKeyParameters privateKey(PrivateKey key) {
    if (key instanceof XECPrivateKey xec && isX25519(xec.getParams())) {
      Optional<byte[]> scalar = xec.getScalar();
      if (scalar.isPresent() && scalar.get().length == LENGTH) {
        return new X25519PrivateKeyParameters(scalar.get());
      }
    }
    AsymmetricKeyParameter parameters;
    try {
      parameters = PrivateKeyFactory.createKey(encoded(key.getEncoded()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an X25519 private key: " + key.getAlgorithm(), e);
    }
    if (parameters instanceof X25519PrivateKeyParameters x25519) {
      return x25519;
    }
    throw new IllegalArgumentException("not an X25519 private key: " + key.getAlgorithm());
  }

  private static boolean isX25519(AlgorithmParameterSpec params) {
    return params instanceof NamedParameterSpec named
        && NamedParameterSpec.X25519.getName().equalsIgnoreCase(named.getName());
  }

  private static byte[] encoded(byte[] encoding) throws IOException {
    if (encoding == null) {
      throw new IOException("the key has no encoding");
    }
    return encoding;
  }

  // RFC 7748, section 5: a u-coordinate travels as 32 bytes, least significant first.
  private static byte[] littleEndian(BigInteger u) {
    if (u.signum() < 0 || u.bitLength() > LENGTH * 8) {
      throw new IllegalArgumentException("not an X25519 u-coordinate");
    }
    byte[] bigEndian = u.toByteArray();
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < LENGTH && i < bigEndian.length; i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }
}
