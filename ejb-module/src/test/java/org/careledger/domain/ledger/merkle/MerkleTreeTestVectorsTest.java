package org.careledger.domain.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published RFC 6962 / RFC 9162 SHA-256 test vectors shared by Google's Merkle tree test
 * suites, copied verbatim from:
 *
 * <ul>
 *   <li>leaf inputs, hashes of all complete subtrees and roots for sizes 0 to 8: <a
 *       href="https://github.com/transparency-dev/merkle/blob/582a6ad190b6848f1d26f8bf08ddef29955d9db1/testonly/constants.go">transparency-dev/merkle
 *       testonly/constants.go</a> ({@code LeafInputs}, {@code NodeHashes}, {@code RootHashes});
 *   <li>inclusion and consistency proofs: <a
 *       href="https://github.com/transparency-dev/merkle/blob/02194e9afb6c1d95b5381350007963aa70fff472/proof/verify_test.go">transparency-dev/merkle
 *       proof/verify_test.go</a> ({@code inclusionProofs}, {@code consistencyProofs}); the same
 *       vectors, without the 6-to-7 consistency proof, are in <a
 *       href="https://github.com/google/trillian/blob/046133338f74123a69fbdf2434eba4ec4f4e5e0d/merkle/log_verifier_test.go">google/trillian
 *       merkle/log_verifier_test.go</a>.
 * </ul>
 *
 * Those files number the leaf of an inclusion proof from 1; here indices are from 0, as in RFC
 * 9162.
 */
class MerkleTreeTestVectorsTest {

  private static final List<byte[]> LEAF_INPUTS =
      hex(
          "",
          "00",
          "10",
          "2021",
          "3031",
          "40414243",
          "5051525354555657",
          "606162636465666768696a6b6c6d6e6f");

  /** {@code NodeHashes()[0]}: the leaf hashes. */
  private static final List<byte[]> LEAF_HASHES =
      hex(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
          "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1");

  /** {@code NodeHashes()[1]}: the hashes of leaves 0-1, 2-3, 4-5 and 6-7. */
  private static final List<byte[]> PAIR_HASHES =
      hex(
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");

  /** {@code RootHashes()}: the root of the tree of the first {@code i} leaves, at index i. */
  private static final List<byte[]> ROOTS =
      hex(
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  static Stream<Arguments> inclusionProofs() {
    return Stream.of(
        Arguments.of(0, 1, hex()),
        Arguments.of(
            0,
            8,
            hex(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
        Arguments.of(
            5,
            8,
            hex(
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
        Arguments.of(2, 3, hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
        Arguments.of(
            1,
            5,
            hex(
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));
  }

  static Stream<Arguments> consistencyProofs() {
    return Stream.of(
        Arguments.of(1, 1, hex()),
        Arguments.of(
            1,
            8,
            hex(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
        Arguments.of(
            6,
            8,
            hex(
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
        Arguments.of(
            2,
            5,
            hex(
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
        Arguments.of(
            6,
            7,
            hex(
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));
  }

  @Test
  void leafHashesArePublishedOnes() {
    assertThat(hexOf(LEAF_INPUTS.stream().map(MerkleTree::leafHash).toList()))
        .isEqualTo(hexOf(LEAF_HASHES));
  }

  @Test
  void nodeHashesOfLeafPairsArePublishedOnes() {
    List<byte[]> pairs =
        IntStream.range(0, 4)
            .mapToObj(i -> MerkleTree.nodeHash(LEAF_HASHES.get(2 * i), LEAF_HASHES.get(2 * i + 1)))
            .toList();
    assertThat(hexOf(pairs)).isEqualTo(hexOf(PAIR_HASHES));
  }

  @Test
  void rootsOfEveryPrefixArePublishedOnes() {
    List<byte[]> roots =
        IntStream.rangeClosed(0, 8).mapToObj(n -> MerkleTree.root(leafHashes(n))).toList();
    assertThat(hexOf(roots)).isEqualTo(hexOf(ROOTS));
  }

  @ParameterizedTest(name = "leaf {0} of {1}")
  @MethodSource("inclusionProofs")
  void inclusionProofIsPublishedOneAndVerifies(int index, int size, List<byte[]> published) {
    InclusionProof proof = MerkleTree.inclusionProof(leafHashes(size), index);

    assertThat(proof).isEqualTo(new InclusionProof(index, size, published));
    assertThatCode(
            () -> MerkleTree.verifyInclusion(leafHashes(size).get(index), proof, ROOTS.get(size)))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "size {0} to {1}")
  @MethodSource("consistencyProofs")
  void consistencyProofIsPublishedOneAndVerifies(int oldSize, int newSize, List<byte[]> published) {
    ConsistencyProof proof = MerkleTree.consistencyProof(leafHashes(newSize), oldSize);

    assertThat(proof).isEqualTo(new ConsistencyProof(oldSize, newSize, published));
    assertThatCode(
            () -> MerkleTree.verifyConsistency(ROOTS.get(oldSize), proof, ROOTS.get(newSize)))
        .doesNotThrowAnyException();
  }

  /** The leaf hashes of the first {@code size} published inputs, computed here. */
  private static List<byte[]> leafHashes(int size) {
    return LEAF_INPUTS.subList(0, size).stream().map(MerkleTree::leafHash).toList();
  }

  private static List<byte[]> hex(String... values) {
    return Arrays.stream(values).map(HexFormat.of()::parseHex).toList();
  }

  private static List<String> hexOf(List<byte[]> hashes) {
    return hashes.stream().map(HexFormat.of()::formatHex).toList();
  }
}
