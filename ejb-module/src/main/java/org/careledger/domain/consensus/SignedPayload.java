package org.careledger.domain.consensus;

import java.util.Arrays;
import java.util.Objects;

/** A payload with its sender's signature over {@link Payload#signedBytes()}. Immutable. */
public final class SignedPayload {

  private final Payload payload;
  private final byte[] signature;

  public SignedPayload(Payload payload, byte[] signature) {
    this.payload = Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signature, "signature");
    if (signature.length == 0 || signature.length > MessageCodec.MAX_SIGNATURE_BYTES) {
      throw MessageCodec.malformed("signature of " + signature.length + " bytes");
    }
    this.signature = signature.clone();
  }

  public static SignedPayload sign(Payload payload, ConsensusSigner signer) {
    if (!payload.sender().equals(signer.member())) {
      throw new IllegalArgumentException("a member signs only its own payloads");
    }
    return new SignedPayload(payload, signer.sign(payload.signedBytes()));
  }

  public Payload payload() {
    return payload;
  }

  public byte[] signature() {
    return signature.clone();
  }

  byte[] signatureUnsafe() {
    return signature;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SignedPayload that
        && payload.equals(that.payload)
        && Arrays.equals(signature, that.signature);
  }

  @Override
  public int hashCode() {
    return payload.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return payload.toString();
  }
}
