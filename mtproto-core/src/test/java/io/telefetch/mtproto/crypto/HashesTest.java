package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static io.telefetch.mtproto.crypto.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class HashesTest {

  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

  @Test
  void sha1AndSha256OfAbc() {
    assertThat(Hashes.sha1(ABC)).isEqualTo(hex("a9993e364706816aba3e25717850c26c9cd0d89d"));
    assertThat(Hashes.sha256(ABC)).isEqualTo(
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  }

  @Test
  void partsAndRangesHashTheirConcatenation() {
    byte[] data = random(1, 100);
    byte[] head = Arrays.copyOf(data, 30);
    byte[] tail = Arrays.copyOfRange(data, 30, 100);
    assertThat(Hashes.sha1(head, tail)).isEqualTo(Hashes.sha1(data));
    assertThat(Hashes.sha256(head, tail)).isEqualTo(Hashes.sha256(data));
    assertThat(Hashes.sha1(data, 30, 70)).isEqualTo(Hashes.sha1(tail));
    assertThat(Hashes.sha256(data, 30, 70)).isEqualTo(Hashes.sha256(tail));
    assertThat(Hashes.sha256()).isEqualTo(
        hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  }

  @Test
  void pbkdf2MatchesTheJdkForTextPasswords() throws Exception {
    SecretKeyFactory jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
    String[] passwords = {"password", "123123", "a much longer password than one block of sha-512 "
        + "input would hold, which makes HMAC hash the key first"};
    int[][] iterationsAndLengths = {{1, 64}, {2, 64}, {1000, 64}, {3, 100}, {5, 20}};
    for (String password : passwords) {
      for (int[] il : iterationsAndLengths) {
        byte[] salt = random(il[0], 16);
        byte[] expected = jdk.generateSecret(
            new PBEKeySpec(password.toCharArray(), salt, il[0], il[1] * 8)).getEncoded();
        assertThat(Hashes.pbkdf2HmacSha512(
            password.getBytes(StandardCharsets.UTF_8), salt, il[0], il[1]))
            .as("%s, %d iterations, %d bytes", password, il[0], il[1])
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void pbkdf2AcceptsBinaryAndEmptyPasswords() {
    byte[] binary = {0, (byte) 0xFF, (byte) 0x80, 0};
    assertThat(Hashes.pbkdf2HmacSha512(binary, ABC, 2, 64)).hasSize(64)
        .isNotEqualTo(Hashes.pbkdf2HmacSha512(new byte[] {0, (byte) 0xFF}, ABC, 2, 64));
    // HMAC pads keys with zeros: the empty key and a single zero byte are the same key.
    assertThat(Hashes.pbkdf2HmacSha512(new byte[0], ABC, 2, 64))
        .isEqualTo(Hashes.pbkdf2HmacSha512(new byte[1], ABC, 2, 64));
    assertThatThrownBy(() -> Hashes.pbkdf2HmacSha512(binary, ABC, 0, 64))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constantTimeEquals() {
    byte[] a = random(2, 32);
    byte[] b = a.clone();
    assertThat(ConstantTime.equals(a, b)).isTrue();
    b[31] ^= 1;
    assertThat(ConstantTime.equals(a, b)).isFalse();
    assertThat(ConstantTime.equals(a, new byte[31])).isFalse();
    assertThat(ConstantTime.equals(new byte[0], new byte[0])).isTrue();
    assertThat(ConstantTime.equals(a, 1, a.clone(), 1, 30)).isTrue();
    assertThat(ConstantTime.equals(a, 0, b, 0, 31)).isTrue();
    assertThat(ConstantTime.equals(a, 0, b, 0, 32)).isFalse();
    assertThatThrownBy(() -> ConstantTime.equals(a, 10, b, 0, 30))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
