/**
 * Off-chain documents: encrypted with a fresh AES-256 data key per record version and stored
 * outside the ledger, which records only the SHA-256 of the whole blob (its content address) and,
 * per reader, a {@link org.careledger.domain.offchain.DataKeyEnvelope} holding the data key.
 *
 * <h2>Blob format, version 1</h2>
 *
 * <p>The STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár ("Online
 * Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015), as in Tink's
 * streaming AEAD, over AES-256-GCM. All integers are unsigned big-endian.
 *
 * <pre>
 * blob   = header || chunk_0 || ... || chunk_n            (n &gt;= 0; chunk_n is the final chunk)
 * header = magic "CLOB" (4) || version 0x01 (1) || chunk size C (4) || nonce prefix P (7 random)
 * chunk_i = AES-256-GCM(data key, nonce_i, aad, plaintext_i) = ciphertext_i || tag_i (16)
 * nonce_i = P (7) || i (4) || 0x01 if i = n else 0x00 (1)
 * aad     = header (16) || associated data (e.g. the record id, any length)
 * </pre>
 *
 * <p>Every chunk but the final one carries exactly C plaintext bytes; the final chunk carries 1 to
 * C bytes, or none when the whole plaintext is empty, so a blob always ends in exactly one final
 * chunk. Binding the header into every chunk and the chunk index and final flag into its nonce
 * makes header changes, reordering, dropping, truncation, appending and splicing chunks from
 * another blob fail authentication. Writers use C = 1 MiB; readers accept any C from 1 byte to 16
 * MiB.
 */
package org.careledger.domain.offchain;
