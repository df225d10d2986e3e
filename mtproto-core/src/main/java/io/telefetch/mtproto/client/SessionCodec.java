package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.AuthKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The binary session format shared by session files and session strings.
 *
 * <pre>
 * "TFSS" | version:int32 | mainDc:int32 | userId:int64 | bot:bool
 *   | keyCount:int32 | keyCount x (dcId:int32 | key:256 bytes | salt:int64 | timeOffsetMs:int64 | authorized:bool)
 *   | optionsExpires:int64 | optionCount:int32 (-1: none)
 *   | optionCount x (id:int32 | host:utf | port:int32 | flags:int32 | secretLength:int32 | secret)
 *   | crc32:int32 of everything before
 * </pre>
 *
 * All numbers big-endian. A string is {@code '1'} (the format version) followed by the base64url
 * encoding (no padding) of those bytes.
 */
final class SessionCodec {
  static final byte[] MAGIC = {'T', 'F', 'S', 'S'};
  private static final int MAX_ITEMS = 4096;

  private SessionCodec() {}

  static byte[] encode(SessionData d) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(SessionData.VERSION);
      out.writeInt(d.mainDc());
      out.writeLong(d.userId());
      out.writeBoolean(d.bot());
      out.writeInt(d.keys().size());
      for (SessionData.DcKey k : d.keys().values()) {
        out.writeInt(k.dcId());
        out.write(k.authKey().toByteArray());
        out.writeLong(k.serverSalt());
        out.writeLong(k.timeOffsetMillis());
        out.writeBoolean(k.authorized());
      }
      out.writeLong(d.dcOptionsExpires());
      if (d.dcOptions() == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(d.dcOptions().all().size());
        for (DcOption o : d.dcOptions().all()) {
          out.writeInt(o.id());
          out.writeUTF(o.host());
          out.writeInt(o.port());
          out.writeInt(flags(o));
          byte[] secret = o.secret();
          out.writeInt(secret == null ? -1 : secret.length);
          if (secret != null) {
            out.write(secret);
          }
        }
      }
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  /**
   * Decodes {@code data}; {@code source} names it in error messages.
   *
   * @throws SessionStoreException FOREIGN, UNSUPPORTED_VERSION or CORRUPT
   */
  static SessionData decode(byte[] data, String source) {
    if (data.length < MAGIC.length + 4 || !startsWithMagic(data)) {
      throw new SessionStoreException(SessionStoreException.Kind.FOREIGN,
          source + " is not a Telefetch session (no TFSS header)");
    }
    int version = ((data[4] & 0xff) << 24) | ((data[5] & 0xff) << 16) | ((data[6] & 0xff) << 8) | (data[7] & 0xff);
    if (version != SessionData.VERSION) {
      throw new SessionStoreException(SessionStoreException.Kind.UNSUPPORTED_VERSION,
          source + " has session format version " + version + "; this build reads version " + SessionData.VERSION);
    }
    if (data.length < 12) {
      throw corrupt(source, "truncated", null);
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 4);
    int stored = ((data[data.length - 4] & 0xff) << 24) | ((data[data.length - 3] & 0xff) << 16)
        | ((data[data.length - 2] & 0xff) << 8) | (data[data.length - 1] & 0xff);
    if ((int) crc.getValue() != stored) {
      throw corrupt(source, "checksum mismatch (truncated or modified)", null);
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 8, data.length - 12));
      int mainDc = in.readInt();
      long userId = in.readLong();
      boolean bot = in.readBoolean();
      int keyCount = count(in.readInt(), source);
      Map<Integer, SessionData.DcKey> keys = new TreeMap<>();
      for (int i = 0; i < keyCount; i++) {
        int dc = in.readInt();
        byte[] key = new byte[AuthKey.SIZE];
        in.readFully(key);
        keys.put(dc, new SessionData.DcKey(dc, AuthKey.of(key), in.readLong(), in.readLong(), in.readBoolean()));
      }
      long expires = in.readLong();
      int optionCount = in.readInt();
      DcOptions options = null;
      if (optionCount != -1) {
        List<DcOption> list = new ArrayList<>();
        for (int i = 0, n = count(optionCount, source); i < n; i++) {
          int id = in.readInt();
          String host = in.readUTF();
          int port = in.readInt();
          int flags = in.readInt();
          int secretLength = in.readInt();
          byte[] secret = null;
          if (secretLength >= 0) {
            if (secretLength > 1024) {
              throw corrupt(source, "secret of " + secretLength + " bytes", null);
            }
            secret = new byte[secretLength];
            in.readFully(secret);
          }
          list.add(DcOption.builder(id, host, port).ipv6((flags & 1) != 0).mediaOnly((flags & 2) != 0)
              .tcpoOnly((flags & 4) != 0).cdn((flags & 8) != 0).isStatic((flags & 16) != 0)
              .thisPortOnly((flags & 32) != 0).secret(secret).build());
        }
        options = DcOptions.of(list);
      }
      if (in.available() != 0) {
        throw corrupt(source, in.available() + " unexpected bytes at the end", null);
      }
      return new SessionData(mainDc, userId, bot, keys, options, expires);
    } catch (EOFException e) {
      throw corrupt(source, "truncated", e);
    } catch (IOException | IllegalArgumentException e) {
      throw corrupt(source, e.getMessage(), e);
    }
  }

  static String toSessionString(SessionData d) {
    return SessionData.VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(encode(d));
  }

  static SessionData fromSessionString(String text) {
    String s = text == null ? "" : text.trim();
    if (s.isEmpty()) {
      throw new SessionStoreException(SessionStoreException.Kind.FOREIGN, "empty session string");
    }
    char v = s.charAt(0);
    if (!Character.isDigit(v)) {
      throw new SessionStoreException(SessionStoreException.Kind.FOREIGN, "not a Telefetch session string");
    }
    if (v - '0' != SessionData.VERSION) {
      throw new SessionStoreException(SessionStoreException.Kind.UNSUPPORTED_VERSION,
          "session string version " + v + "; this build reads version " + SessionData.VERSION);
    }
    byte[] data;
    try {
      data = Base64.getUrlDecoder().decode(s.substring(1));
    } catch (IllegalArgumentException e) {
      throw corrupt("the session string", "not base64url", e);
    }
    return decode(data, "the session string");
  }

  private static boolean startsWithMagic(byte[] data) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static int count(int n, String source) {
    if (n < 0 || n > MAX_ITEMS) {
      throw corrupt(source, "count " + n, null);
    }
    return n;
  }

  private static int flags(DcOption o) {
    return (o.ipv6() ? 1 : 0) | (o.mediaOnly() ? 2 : 0) | (o.tcpoOnly() ? 4 : 0) | (o.cdn() ? 8 : 0)
        | (o.isStatic() ? 16 : 0) | (o.thisPortOnly() ? 32 : 0);
  }

  private static SessionStoreException corrupt(String source, String why, Throwable cause) {
    return new SessionStoreException(SessionStoreException.Kind.CORRUPT, source + " is corrupt: " + why, cause);
  }
}
