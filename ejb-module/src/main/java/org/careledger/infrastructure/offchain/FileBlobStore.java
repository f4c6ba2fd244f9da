package org.careledger.infrastructure.offchain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.offchain.BlobSealer;

/**
 * The provider's data server ("S"): encrypted documents as files, content-addressed by the SHA-256
 * of their ciphertext ({@code <root>/ab/cd/abcd…}).
 *
 * <p>Files rather than database large objects, because documents run to gigabytes: a file streams
 * through the page cache at disk speed with no JDBC large-object semantics (PostgreSQL's bytea caps
 * at 1 GB and is read whole; its large objects need a transaction per stream), the database and its
 * backups stay small, and erasing a document is deleting one file.
 *
 * <p>A store is all or nothing: the ciphertext is written to a temporary file, forced to disk, then
 * moved into place atomically; any failure removes the temporary file. A read checks the whole
 * file's SHA-256 against its address before it returns a byte, and the AES-GCM chunks are
 * authenticated again while decrypting. Thread-safe: concurrent stores of the same content end in
 * one file.
 *
 * <p>Both directions use the second core. A store encrypts on the calling thread while a hashing
 * thread computes the SHA-256 of the ciphertext and a writing thread writes it ({@link
 * StorePipeline}), with {@code O_DIRECT} where the file system takes it, so the device writes while
 * the CPU works ({@link CiphertextFile}); only a small pool of buffers is in memory, never the
 * document. A read's integrity check reads the file on two more threads while the calling thread
 * hashes ({@link FileSha256}); then the returned stream's {@code transferTo} decrypts on both
 * cores, the calling thread and a helper each claiming the next chunk, written out in order ({@link
 * ParallelDecryption}), while its {@code read} methods decrypt on the reader's thread.
 *
 * <p>Threads: plain daemon threads, started per operation (two per store of more than one chunk,
 * two per hash check of more than 1 MiB, one per {@code transferTo} of more than one chunk) and
 * joined before the operation returns or throws, whatever failed: none outlives the call that
 * started it, none holds a deployment's class loader after it, and none needs a container-managed
 * executor. A shared bounded pool would risk a deadlock (each store's two threads wait on each
 * other, so two stores holding one pool thread each would wait forever), and a thread start costs
 * tens of microseconds, next to the milliseconds of even the smallest document's {@code fsync}. A
 * document of at most one chunk (1 MiB) is stored on the calling thread alone.
 */
public final class FileBlobStore {

  private static final Pattern ADDRESS = Pattern.compile("[0-9a-f]{64}");

  /** What a store wrote: the content address and sizes. */
  public record Stored(String contentHash, long ciphertextSize, long plaintextSize) {}

  /** Opens the temporary file a store writes to; tests substitute failing files. */
  interface CiphertextFiles {
    CiphertextFile open(Path temp) throws IOException;
  }

  private final Path root;
  private final CiphertextFiles files;

  public FileBlobStore(Path root) {
    this(root, CiphertextFile::new);
  }

  FileBlobStore(Path root, CiphertextFiles files) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
    this.files = Objects.requireNonNull(files, "files");
  }

  /**
   * Encrypts {@code plaintext} with {@code dataKey}, binding {@code associatedData} (e.g. record id
   * and version) to every chunk, and stores it.
   *
   * <p>Throws {@link ErrorCode#BLOB_STORE_FAILED} if reading {@code plaintext}, hashing or writing
   * fails, or if the calling thread is interrupted (its interrupt status stays set); a {@link
   * RuntimeException} thrown by {@code plaintext} itself propagates as it is. Either way nothing is
   * left on disk.
   */
  public Stored store(InputStream plaintext, SecretKey dataKey, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    BlobSealer sealer = new BlobSealer(dataKey, associatedData);
    Path temp = null;
    try {
      Path incoming = Files.createDirectories(root.resolve("incoming"));
      temp = Files.createTempFile(incoming, "blob-", ".tmp");
      StorePipeline.Written written;
      try (CiphertextFile file = files.open(temp)) {
        written = StorePipeline.run(plaintext, sealer, file);
      }
      String address = HexFormat.of().formatHex(written.sha256());
      Path target = path(address);
      Files.createDirectories(target.getParent());
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // The same ciphertext is stored already (same key and nonce: a retried upload).
        Files.deleteIfExists(temp);
      }
      return new Stored(address, written.ciphertextSize(), written.plaintextSize());
    } catch (IOException e) {
      throw new CareLedgerException(
          ErrorCode.BLOB_STORE_FAILED, "cannot store document: " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * The plaintext of a stored document. Throws BLOB_NOT_FOUND, BLOB_HASH_MISMATCH (the file no
   * longer matches its address) before returning anything; the stream itself throws {@link
   * org.careledger.domain.offchain.BlobIntegrityException} if a chunk fails authentication.
   */
  public InputStream open(String contentHash, SecretKey dataKey, byte[] associatedData) {
    Path file = existing(contentHash);
    FileChannel channel = openChannel(file);
    try {
      // Hashed and decrypted through the same open file: a file moved into its place after the
      // check is never read.
      String actual = sha256(channel, file);
      if (!actual.equals(contentHash)) {
        throw new CareLedgerException(
            ErrorCode.BLOB_HASH_MISMATCH,
            "stored document "
                + contentHash
                + " has changed on disk (its SHA-256 is now "
                + actual
                + ")");
      }
      InputStream plaintext = new DocumentInputStream(channel, dataKey, associatedData);
      channel = null;
      return plaintext;
    } finally {
      closeQuietly(channel);
    }
  }

  /**
   * Places a ciphertext that arrived whole from elsewhere (a provider's node) under the address it
   * claims, moving {@code file} (which must be on this store's file system). Nothing is checked
   * here: {@link #open} re-hashes the file against its address before it returns a byte.
   */
  public void adopt(Path file, String contentHash) {
    Path target = path(contentHash);
    try {
      Files.createDirectories(target.getParent());
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CareLedgerException(
          ErrorCode.BLOB_STORE_FAILED, "cannot place document " + contentHash, e);
    }
  }

  /** The stored ciphertext of {@code contentHash}, as it is on disk, for sending to a grantee. */
  public FileChannel ciphertext(String contentHash) {
    return openChannel(existing(contentHash));
  }

  /** Whether the stored file still hashes to its address (for chain and store verification). */
  public boolean intact(String contentHash) {
    return sha256(existing(contentHash)).equals(contentHash);
  }

  public boolean exists(String contentHash) {
    return Files.exists(path(contentHash));
  }

  /**
   * Removes a document's ciphertext (crypto-shredding: with its key envelopes gone too, nothing can
   * decrypt it, and the ledger's hash no longer points at anything). Idempotent.
   */
  public void erase(String contentHash) {
    try {
      Files.deleteIfExists(path(contentHash));
    } catch (IOException e) {
      throw new CareLedgerException(
          ErrorCode.BLOB_STORE_FAILED, "cannot erase document " + contentHash, e);
    }
  }

  Path path(String contentHash) {
    if (contentHash == null || !ADDRESS.matcher(contentHash).matches()) {
      throw new CareLedgerException(
          ErrorCode.BLOB_NOT_FOUND,
          "'" + contentHash + "' is not a content address (64 hex digits)");
    }
    return root.resolve(contentHash.substring(0, 2))
        .resolve(contentHash.substring(2, 4))
        .resolve(contentHash);
  }

  private Path existing(String contentHash) {
    Path file = path(contentHash);
    if (!Files.isRegularFile(file)) {
      throw new CareLedgerException(ErrorCode.BLOB_NOT_FOUND, "no stored document " + contentHash);
    }
    return file;
  }

  private static String sha256(Path file) {
    try (FileChannel channel = openChannel(file)) {
      return sha256(channel, file);
    } catch (IOException e) {
      throw new CareLedgerException(ErrorCode.BLOB_STORE_FAILED, "cannot read " + file, e);
    }
  }

  private static String sha256(FileChannel channel, Path file) {
    try {
      return HexFormat.of().formatHex(FileSha256.of(channel));
    } catch (IOException e) {
      throw new CareLedgerException(ErrorCode.BLOB_STORE_FAILED, "cannot read " + file, e);
    }
  }

  private static FileChannel openChannel(Path file) {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CareLedgerException(
          ErrorCode.BLOB_NOT_FOUND, "no stored document " + file.getFileName(), e);
    } catch (IOException e) {
      throw new CareLedgerException(ErrorCode.BLOB_STORE_FAILED, "cannot read " + file, e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Read only: nothing is lost.
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // A leftover in incoming/ holds ciphertext only, never a usable document.
      }
    }
  }
}
