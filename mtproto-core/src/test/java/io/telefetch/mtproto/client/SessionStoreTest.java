package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.crypto.AuthKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoreTest {
  @TempDir
  Path dir;

  static AuthKey key(int seed) {
    byte[] b = new byte[256];
    new Random(seed).nextBytes(b);
    return AuthKey.of(b);
  }

  static SessionData sample() {
    return SessionData.empty()
        .withMainDc(2)
        .withUser(777_000_123L, true)
        .withKey(new SessionData.DcKey(2, key(2), 0x1122334455667788L, -1500, false))
        .withKey(new SessionData.DcKey(4, key(4), -5, 250, true))
        .withDcOptions(DcOptions.of(
            DcOption.of(2, "149.154.167.51", 443),
            DcOption.builder(2, "149.154.167.151", 443).mediaOnly(true).build(),
            DcOption.builder(2, "2001:67c:4e8:f002::a", 443).ipv6(true).build(),
            DcOption.builder(203, "91.105.192.100", 443).cdn(true).isStatic(true).thisPortOnly(true)
                .tcpoOnly(true).secret(new byte[] {1, 2, 3}).build()), 1_900_000_000L);
  }

  @Test
  void inMemoryStartsEmptyAndKeepsWhatIsSaved() {
    SessionStore store = SessionStore.inMemory();
    assertThat(store.load()).isEmpty();
    store.save(sample());
    assertThat(store.load()).contains(sample());
  }

  @Test
  void fileRoundTripKeepsEverything() {
    Path file = dir.resolve("me.session");
    SessionStore store = SessionStore.file(file);
    assertThat(store.load()).isEmpty();
    store.save(sample());
    SessionData loaded = SessionStore.file(file).load().orElseThrow();
    assertThat(loaded).isEqualTo(sample());
    assertThat(loaded.key(2).orElseThrow().authKey().toByteArray()).isEqualTo(key(2).toByteArray());
    assertThat(loaded.key(4).orElseThrow().authorized()).isTrue();
    assertThat(loaded.dcOptions().all().get(3).secret()).containsExactly(1, 2, 3);
    assertThat(loaded.dcOptions().all().get(3).tcpoOnly()).isTrue();
    assertThat(loaded.dcOptionsExpires()).isEqualTo(1_900_000_000L);
    assertThat(SessionStore.file(file).toString()).contains("me.session");
  }

  @Test
  void fileIsOwnerOnlyAndLeavesNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("sub/dir/me.session");
    SessionStore store = SessionStore.file(file);
    for (int i = 0; i < 5; i++) {
      store.save(sample().withMainDc(i + 1));
    }
    assertThat(store.load().orElseThrow().mainDc()).isEqualTo(5);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      // a file loosened by someone else is owner-only again after the next save
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      store.save(sample().withMainDc(6));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).doesNotEndWith("w");
    }
    try (var files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("me.session");
    }
  }

  @Test
  void readersNeverSeeAHalfWrittenFile() throws Exception {
    Path file = dir.resolve("busy.session");
    SessionStore writer = SessionStore.file(file);
    writer.save(sample());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread r = new Thread(() -> {
        SessionStore reader = SessionStore.file(file);
        while (!stop.get()) {
          try {
            SessionData d = reader.load().orElseThrow();
            assertThat(d.userId()).isEqualTo(777_000_123L);
            reads.incrementAndGet();
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }
      });
      r.start();
      readers.add(r);
    }
    for (int i = 0; i < 100; i++) {
      writer.save(sample().withMainDc(1 + i % 5).withKey(new SessionData.DcKey(1, key(i), i, i, false)));
    }
    stop.set(true);
    for (Thread r : readers) {
      r.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(reads.get()).isPositive();
  }

  @Test
  void aFailedWriteKeepsTheOldFile() throws IOException {
    Path file = dir.resolve("keep.session");
    SessionStore store = SessionStore.file(file);
    store.save(sample());
    Path blocked = dir.resolve("blocked.session");
    Files.createDirectories(blocked.resolve("not-empty"));
    assertThatThrownBy(() -> SessionStore.file(blocked).save(sample()))
        .isInstanceOf(SessionStoreException.class)
        .satisfies(e -> assertThat(((SessionStoreException) e).kind()).isEqualTo(SessionStoreException.Kind.IO));
    assertThat(store.load()).contains(sample());
    try (var files = Files.list(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
    }
  }

  @Test
  void corruptFileIsATypedError() throws IOException {
    Path file = dir.resolve("corrupt.session");
    SessionStore.file(file).save(sample());
    byte[] data = Files.readAllBytes(file);
    data[40] ^= 0x5a;
    Files.write(file, data);
    assertThatThrownBy(() -> SessionStore.file(file).load())
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining("corrupt.session").hasMessageContaining("corrupt")
        .satisfies(e -> assertThat(((SessionStoreException) e).kind()).isEqualTo(SessionStoreException.Kind.CORRUPT));

    byte[] whole = SessionCodec.encode(sample());
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThat(kindOf(file)).isEqualTo(SessionStoreException.Kind.CORRUPT);
  }

  @Test
  void foreignAndNewerFilesAreTypedErrors() throws IOException {
    Path file = dir.resolve("foreign.session");
    Files.writeString(file, "SQLite format 3\0 this is some other program's session");
    assertThat(kindOf(file)).isEqualTo(SessionStoreException.Kind.FOREIGN);
    Files.write(file, new byte[0]);
    assertThat(kindOf(file)).isEqualTo(SessionStoreException.Kind.FOREIGN);

    byte[] newer = SessionCodec.encode(sample());
    ByteBuffer.wrap(newer).putInt(4, SessionData.VERSION + 1);
    Files.write(file, newer);
    assertThatThrownBy(() -> SessionStore.file(file).load())
        .isInstanceOf(SessionStoreException.class).hasMessageContaining("version " + (SessionData.VERSION + 1));
    assertThat(kindOf(file)).isEqualTo(SessionStoreException.Kind.UNSUPPORTED_VERSION);
  }

  private static SessionStoreException.Kind kindOf(Path file) {
    try {
      SessionStore.file(file).load();
    } catch (SessionStoreException e) {
      return e.kind();
    }
    throw new AssertionError("no error for " + file);
  }

  @Test
  void sessionStringRoundTripIsVersionedBase64Url() {
    String s = sample().toSessionString();
    assertThat(s).startsWith("1").matches("[A-Za-z0-9_-]+");
    assertThat(SessionData.fromSessionString(s)).isEqualTo(sample());
    assertThat(SessionStore.ofString("  " + s + "\n").load()).contains(sample());
    assertThat(SessionData.fromSessionString(SessionData.empty().toSessionString())).isEqualTo(SessionData.empty());
  }

  @Test
  void badSessionStringsAreTypedErrors() {
    String s = sample().toSessionString();
    assertThat(stringKind("2" + s.substring(1))).isEqualTo(SessionStoreException.Kind.UNSUPPORTED_VERSION);
    assertThat(stringKind("")).isEqualTo(SessionStoreException.Kind.FOREIGN);
    assertThat(stringKind("BQFk0X...")).isEqualTo(SessionStoreException.Kind.FOREIGN);
    // a Telethon-style string: version 1 + base64 of something else
    assertThat(stringKind("1" + Base64.getUrlEncoder().encodeToString(new byte[263])))
        .isEqualTo(SessionStoreException.Kind.FOREIGN);
    assertThat(stringKind("1***")).isEqualTo(SessionStoreException.Kind.CORRUPT);
    char[] chars = s.toCharArray();
    chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
    assertThat(stringKind(new String(chars))).isEqualTo(SessionStoreException.Kind.CORRUPT);
  }

  private static SessionStoreException.Kind stringKind(String s) {
    try {
      SessionData.fromSessionString(s);
    } catch (SessionStoreException e) {
      return e.kind();
    }
    throw new AssertionError("no error for " + s);
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    String text = sample().toString();
    assertThat(text).contains("mainDc=2").contains("AuthKey[id=");
    assertThat(text).doesNotContain(java.util.HexFormat.of().formatHex(key(2).toByteArray()).substring(0, 16));
  }

  @Test
  void withersReplaceOnlyWhatTheySay() {
    SessionData d = sample();
    assertThat(d.withoutKey(4).keys()).containsOnlyKeys(2);
    assertThat(d.withNoAuthorizations().key(4).orElseThrow().authorized()).isFalse();
    assertThat(d.withUser(0, false).userId()).isZero();
    assertThat(d.withUser(0, false).keys()).isEqualTo(d.keys());
    assertThat(d.withMainDc(5).mainDc()).isEqualTo(5);
  }
}
