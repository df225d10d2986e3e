package io.telefetch.mtproto.crypto;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RSA public key of a Telegram server with its MTProto fingerprint.
 *
 * <p>The fingerprint is the 64 low-order bits of SHA1 of the bare TL {@code rsa_public_key
 * n:bytes e:bytes}, that is the last 8 bytes of the digest read as a little-endian long (the same
 * bytes a TL {@code long} of it would be written as). Immutable.
 */
public final class RsaPublicKey {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private final BigInteger modulus;
  private final BigInteger exponent;
  private final long fingerprint;

  private RsaPublicKey(BigInteger modulus, BigInteger exponent) {
    this.modulus = modulus;
    this.exponent = exponent;
    this.fingerprint = computeFingerprint(modulus, exponent);
  }

  /**
   * Returns the key with the given modulus and public exponent.
   *
   * @throws IllegalArgumentException if the modulus is not positive or the exponent not above 1
   */
  public static RsaPublicKey of(BigInteger modulus, BigInteger exponent) {
    Objects.requireNonNull(modulus, "modulus");
    Objects.requireNonNull(exponent, "exponent");
    if (modulus.signum() <= 0 || exponent.compareTo(BigInteger.ONE) <= 0) {
      throw new IllegalArgumentException("not an RSA public key");
    }
    return new RsaPublicKey(modulus, exponent);
  }

  /**
   * Parses a PEM public key: PKCS#1 ({@code -----BEGIN RSA PUBLIC KEY-----}, as Telegram
   * publishes its keys) or X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}).
   * Whitespace inside the Base64 body is ignored.
   *
   * @throws IllegalArgumentException if {@code pem} is not one of these
   */
  public static RsaPublicKey parsePem(String pem) {
    Matcher matcher = PEM.matcher(Objects.requireNonNull(pem, "pem"));
    if (!matcher.find()) {
      throw new IllegalArgumentException("no PEM block found");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(2).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad Base64 in the PEM body", e);
    }
    switch (matcher.group(1)) {
      case "RSA PUBLIC KEY":
        return parsePkcs1(der);
      case "PUBLIC KEY":
        return parseSpki(der);
      default:
        throw new IllegalArgumentException("not an RSA public key PEM: " + matcher.group(1));
    }
  }

  /** The modulus {@code n}. */
  public BigInteger modulus() {
    return modulus;
  }

  /** The public exponent {@code e}. */
  public BigInteger exponent() {
    return exponent;
  }

  /** The MTProto fingerprint, as listed in {@code resPQ.server_public_key_fingerprints}. */
  public long fingerprint() {
    return fingerprint;
  }

  /** Returns the key as a PKCS#1 PEM ({@code -----BEGIN RSA PUBLIC KEY-----}). */
  public String toPem() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeDerInteger(body, modulus);
    writeDerInteger(body, exponent);
    ByteArrayOutputStream sequence = new ByteArrayOutputStream();
    sequence.write(0x30);
    writeDerLength(sequence, body.size());
    sequence.writeBytes(body.toByteArray());
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(sequence.toByteArray());
    return "-----BEGIN RSA PUBLIC KEY-----\n" + base64 + "\n-----END RSA PUBLIC KEY-----\n";
  }

  /**
   * Raw RSA: {@code message^e mod n} as big-endian bytes of the modulus length.
   *
   * @param message big-endian, numerically below the modulus
   */
  byte[] encryptRaw(byte[] message) {
    BigInteger m = new BigInteger(1, message);
    if (m.compareTo(modulus) >= 0) {
      throw new IllegalArgumentException("RSA message is not below the modulus");
    }
    return Bytes.toFixedBigEndian(m.modPow(exponent, modulus), (modulus.bitLength() + 7) / 8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RsaPublicKey
        && modulus.equals(((RsaPublicKey) o).modulus)
        && exponent.equals(((RsaPublicKey) o).exponent);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fingerprint);
  }

  @Override
  public String toString() {
    return String.format("RsaPublicKey[%d bits, fingerprint=%016x]", modulus.bitLength(),
        fingerprint);
  }

  private static long computeFingerprint(BigInteger modulus, BigInteger exponent) {
    ByteArrayOutputStream tl = new ByteArrayOutputStream();
    writeTlBytes(tl, Bytes.toMinimalBigEndian(modulus));
    writeTlBytes(tl, Bytes.toMinimalBigEndian(exponent));
    byte[] sha1 = Hashes.sha1(tl.toByteArray());
    return Bytes.getLongLe(sha1, Hashes.SHA1_LENGTH - 8);
  }

  /** TL {@code bytes}: a 1-byte length (up to 253) or 0xFE and a 3-byte length, data, padding. */
  private static void writeTlBytes(ByteArrayOutputStream out, byte[] data) {
    int length = data.length;
    int prefix;
    if (length <= 253) {
      out.write(length);
      prefix = 1;
    } else {
      out.write(254);
      out.write(length);
      out.write(length >>> 8);
      out.write(length >>> 16);
      prefix = 4;
    }
    out.writeBytes(data);
    int padding = (4 - (prefix + length) % 4) % 4;
    out.write(new byte[padding], 0, padding);
  }

  private static RsaPublicKey parsePkcs1(byte[] der) {
    DerReader outer = new DerReader(der);
    DerReader sequence = new DerReader(outer.read(0x30));
    outer.expectEnd();
    BigInteger modulus = new BigInteger(sequence.read(0x02));
    BigInteger exponent = new BigInteger(sequence.read(0x02));
    sequence.expectEnd();
    return of(modulus, exponent);
  }

  private static RsaPublicKey parseSpki(byte[] der) {
    try {
      RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(der));
      return of(key.getModulus(), key.getPublicExponent());
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an RSA SubjectPublicKeyInfo", e);
    }
  }

  private static void writeDerInteger(ByteArrayOutputStream out, BigInteger value) {
    byte[] bytes = value.toByteArray();
    out.write(0x02);
    writeDerLength(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeDerLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else {
      out.write(0x82);
      out.write(length >>> 8);
      out.write(length);
    }
  }

  /** Reads the definite-length DER elements a PKCS#1 public key is made of. */
  private static final class DerReader {
    private final byte[] data;
    private int position;

    DerReader(byte[] data) {
      this.data = data;
    }

    /** Reads one element with the given tag and returns its contents. */
    byte[] read(int tag) {
      if (position + 2 > data.length || (data[position] & 0xFF) != tag) {
        throw new IllegalArgumentException("bad DER: expected tag " + tag);
      }
      position++;
      int length = data[position++] & 0xFF;
      if (length >= 0x80) {
        int count = length - 0x80;
        if (count < 1 || count > 3 || position + count > data.length) {
          throw new IllegalArgumentException("bad DER length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (data[position++] & 0xFF);
        }
      }
      if (length > data.length - position) {
        throw new IllegalArgumentException("bad DER: element runs past the end");
      }
      byte[] contents = new byte[length];
      System.arraycopy(data, position, contents, 0, length);
      position += length;
      return contents;
    }

    void expectEnd() {
      if (position != data.length) {
        throw new IllegalArgumentException("bad DER: trailing bytes");
      }
    }
  }
}
