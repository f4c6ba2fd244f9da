package org.careledger.domain.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.ledger.Member;
import org.junit.jupiter.api.Test;

/**
 * The cache in front of member signature checks: a repeated check costs no second verification, and
 * a cached success is never given for another message, signature or member, nor a failure
 * remembered (a forged message later followed by the genuine one must still verify).
 */
class CachingSignatureVerifierTest {

  private final List<String> calls = new ArrayList<>();
  private final SignatureVerifier counting =
      (member, message, signature) -> {
        calls.add(member.institution().value());
        return signature.length == 1 && signature[0] == message.length;
      };
  private final CachingSignatureVerifier cache = new CachingSignatureVerifier(counting, 2);
  private final Member a = ConsensusFixture.MEMBERS.get(0);
  private final Member b = ConsensusFixture.MEMBERS.get(1);
  private final byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
  private final byte[] good = {5};

  @Test
  void aRepeatedSuccessfulCheckIsAnsweredFromTheCache() {
    assertThat(cache.verify(a, hello, good)).isTrue();
    assertThat(cache.verify(a, hello.clone(), good.clone())).isTrue();
    assertThat(calls).hasSize(1);
  }

  @Test
  void anotherMessageSignatureOrMemberIsCheckedAfresh() {
    assertThat(cache.verify(a, hello, good)).isTrue();
    assertThat(cache.verify(a, "hellO".getBytes(StandardCharsets.UTF_8), good)).isTrue();
    assertThat(cache.verify(a, hello, new byte[] {4})).isFalse();
    assertThat(cache.verify(b, hello, good)).isTrue();
    assertThat(calls).hasSize(4);
  }

  @Test
  void failuresAreNotRememberedAndTheBoundEvictsTheLeastRecent() {
    assertThat(cache.verify(a, hello, new byte[] {4})).isFalse();
    assertThat(cache.verify(a, hello, new byte[] {4})).isFalse();
    assertThat(calls).hasSize(2);

    byte[] one = {1};
    byte[] two = {2, 2};
    byte[] three = {3, 3, 3};
    cache.verify(a, one, new byte[] {1});
    cache.verify(a, two, new byte[] {2});
    cache.verify(a, three, new byte[] {3}); // capacity 2: "one" goes
    calls.clear();
    cache.verify(a, three, new byte[] {3});
    assertThat(calls).isEmpty();
    cache.verify(a, one, new byte[] {1});
    assertThat(calls).hasSize(1);
  }
}
