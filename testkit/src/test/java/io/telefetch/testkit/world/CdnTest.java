package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.MIB;
import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.errorMessage;
import static io.telefetch.testkit.world.Clients.location;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.AesCtr;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.CdnConfig;
import io.telefetch.tl.api.CdnPublicKey;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.DcOption;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.help.GetCdnConfig;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.upload.CdnFile;
import io.telefetch.tl.api.upload.CdnFileReuploadNeeded;
import io.telefetch.tl.api.upload.CdnFileType;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetCdnFile;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CDN round trip: redirect, encrypted parts from the CDN DC, hashes from the master, reupload. */
class CdnTest {
  private static final long SIZE = 2L * MIB + 512 * 1024 + 100;

  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static MtprotoConnection master;
  private static MtprotoConnection cdn;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).cdn(true).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    WorldUser bot = world.bot("cdn_bot").dc(2).create();
    master = clients.loginBot(bot);
    CdnConfig config = (CdnConfig) call(master, new GetCdnConfig());
    CdnPublicKey key = (CdnPublicKey) config.publicKeys().get(0);
    cdn = clients.connect(cluster.cdnDc().orElseThrow(), RsaKeys.empty().add(RsaPublicKey.parsePem(key.publicKey())));
  }

  @AfterAll
  static void stop() {
    clients.close();
    cluster.close();
  }

  private static FileCdnRedirect redirect(WorldDocument d, long offset) {
    FileType f = call(master, new GetFile(false, true, location(world, d), offset, MIB));
    assertThat(f).isInstanceOf(FileCdnRedirect.class);
    return (FileCdnRedirect) f;
  }

  private static byte[] decryptedPart(FileCdnRedirect r, long offset) {
    CdnFileType f = call(cdn, new GetCdnFile(r.fileToken(), offset, MIB));
    assertThat(f).isInstanceOf(CdnFile.class);
    byte[] b = ((CdnFile) f).bytes().toByteArray();
    AesCtr.forCdnPart(r.encryptionKey().toByteArray(), r.encryptionIv().toByteArray(), offset).apply(b, 0, b.length);
    return b;
  }

  /** The windows of {@code part} (at {@code offset}) whose SHA-256 differs from the master's hashes. */
  private static List<Long> badWindows(FileCdnRedirect r, long offset, byte[] part, Map<Long, FileHash> known)
      throws Exception {
    List<Long> bad = new ArrayList<>();
    for (int at = 0; at < part.length; at += World.HASH_WINDOW) {
      long windowOffset = offset + at;
      if (!known.containsKey(windowOffset)) {
        for (FileHashType t : call(master, new GetCdnFileHashes(r.fileToken(), windowOffset))) {
          known.put(((FileHash) t).offset(), (FileHash) t);
        }
      }
      FileHash h = known.get(windowOffset);
      byte[] window = Arrays.copyOfRange(part, at, Math.min(part.length, at + h.limit()));
      if (!Arrays.equals(MessageDigest.getInstance("SHA-256").digest(window), h.hash().toByteArray())) {
        bad.add(windowOffset);
      }
    }
    return bad;
  }

  @Test
  void redirectThenEncryptedPartsFromTheCdnVerifiedByTheMastersHashes() throws Exception {
    WorldDocument d = world.video("cdn.mp4", FileContent.seeded(21, SIZE)).dc(2).cdn(true).create();
    FileCdnRedirect r = redirect(d, 0);
    assertThat(r.dcId()).isEqualTo(TestCluster.DEFAULT_CDN_DC_ID);
    assertThat(r.encryptionKey().length()).isEqualTo(32);
    assertThat(r.encryptionIv().length()).isEqualTo(16);
    assertThat(r.fileHashes()).hasSize(World.HASHES_PER_CALL);
    Map<Long, FileHash> known = new HashMap<>();
    r.fileHashes().forEach(h -> known.put(((FileHash) h).offset(), (FileHash) h));

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long offset = 0;
    while (true) {
      CdnFile raw = (CdnFile) call(cdn, new GetCdnFile(r.fileToken(), offset, MIB));
      byte[] part = decryptedPart(r, offset);
      if (part.length > 0) {
        assertThat(raw.bytes().toByteArray()).isNotEqualTo(part);
      }
      assertThat(badWindows(r, offset, part, known)).isEmpty();
      sha.update(part);
      offset += part.length;
      if (part.length < MIB) {
        break;
      }
    }
    assertThat(offset).isEqualTo(SIZE);
    assertThat(sha.digest()).isEqualTo(d.content().sha256());
  }

  @Test
  void partsAtAnyAlignedOffsetDecryptWithTheOffsetIv() {
    WorldDocument d = world.document("cdn.bin", FileContent.seeded(22, SIZE)).dc(2).cdn(true).create();
    FileCdnRedirect r = redirect(d, 0);
    CdnFile f = (CdnFile) call(cdn, new GetCdnFile(r.fileToken(), MIB + 8192, 4096));
    byte[] b = f.bytes().toByteArray();
    AesCtr.forCdnPart(r.encryptionKey().toByteArray(), r.encryptionIv().toByteArray(), MIB + 8192)
        .apply(b, 0, b.length);
    assertThat(b).isEqualTo(d.content().read(MIB + 8192, 4096));
    assertThat(errorMessage(cdn, new GetCdnFile(r.fileToken(), 100, 4096))).isEqualTo("OFFSET_INVALID");
    assertThat(errorMessage(cdn, new GetCdnFile(r.fileToken(), MIB - 4096, 8192))).isEqualTo("LIMIT_INVALID");
  }

  @Test
  void reuploadNeededUntilTheMasterIsAskedToReupload() throws Exception {
    WorldDocument d = world.document("cold.bin", FileContent.seeded(23, SIZE)).dc(2).cdnReuploadNeeded(true).create();
    assertThat(world.isOnCdn(d)).isFalse();
    FileCdnRedirect r = redirect(d, MIB);
    CdnFileType first = call(cdn, new GetCdnFile(r.fileToken(), MIB, MIB));
    assertThat(first).isInstanceOf(CdnFileReuploadNeeded.class);
    TlBytes request = ((CdnFileReuploadNeeded) first).requestToken();
    assertThat(call(cdn, new GetCdnFile(r.fileToken(), MIB, MIB))).isInstanceOf(CdnFileReuploadNeeded.class);

    assertThat(errorMessage(master, new ReuploadCdnFile(r.fileToken(), TlBytes.wrap(new byte[32]))))
        .isEqualTo("REQUEST_TOKEN_INVALID");
    assertThat(errorMessage(master, new ReuploadCdnFile(TlBytes.wrap(new byte[32]), request)))
        .isEqualTo("FILE_TOKEN_INVALID");
    List<FileHashType> hashes = call(master, new ReuploadCdnFile(r.fileToken(), request));
    assertThat(hashes).isNotEmpty();
    assertThat(((FileHash) hashes.get(0)).offset()).isEqualTo(MIB);
    assertThat(world.isOnCdn(d)).isTrue();
    assertThat(decryptedPart(r, MIB)).isEqualTo(d.content().read(MIB, MIB));
    assertThat(errorMessage(master, new ReuploadCdnFile(r.fileToken(), request))).isEqualTo("REQUEST_TOKEN_INVALID");

    world.evictFromCdn(d);
    assertThat(call(cdn, new GetCdnFile(r.fileToken(), 0, MIB))).isInstanceOf(CdnFileReuploadNeeded.class);
  }

  @Test
  void aRevokedTokenIsAnsweredFileTokenInvalidAndTheNextRedirectCarriesANewOne() throws Exception {
    WorldDocument d = world.video("revoked.mp4", FileContent.seeded(25, SIZE)).dc(2).cdn(true).create();
    FileCdnRedirect before = redirect(d, 0);
    assertThat(call(cdn, new GetCdnFile(before.fileToken(), 0, MIB))).isInstanceOf(CdnFile.class);
    world.revokeCdnToken(d);
    assertThat(errorMessage(cdn, new GetCdnFile(before.fileToken(), 0, MIB))).isEqualTo("FILE_TOKEN_INVALID");
    FileCdnRedirect after = redirect(d, 0);
    assertThat(after.fileToken().toByteArray()).isNotEqualTo(before.fileToken().toByteArray());
    assertThat(decryptedPart(after, 0)).isEqualTo(d.content().read(0, MIB));
  }

  @Test
  void aCorruptedPartFailsHashVerification() throws Exception {
    WorldDocument d = world.document("bad.bin", FileContent.seeded(24, SIZE)).dc(2).cdn(true).create();
    world.corrupt(d, 200_000, 10);
    FileCdnRedirect r = redirect(d, 0);
    byte[] part = decryptedPart(r, 0);
    assertThat(badWindows(r, 0, part, new HashMap<>())).containsExactly((long) World.HASH_WINDOW);
    assertThat(part).isNotEqualTo(d.content().read(0, MIB));
  }

  @Test
  void withoutCdnSupportTheMasterServesTheBytes() {
    WorldDocument d = world.document("plain.bin", FileContent.seeded(25, SIZE)).dc(2).cdn(true).create();
    FileType f = call(master, new GetFile(false, false, location(world, d), 0, MIB));
    assertThat(f).isInstanceOf(File.class);
    assertThat(((File) f).bytes().toByteArray()).isEqualTo(d.content().read(0, MIB));
  }

  @Test
  void theCdnAnswersOnlyGetCdnFile() {
    assertThat(errorMessage(cdn, new GetConfig())).isEqualTo("CDN_METHOD_INVALID");
    WorldDocument d = world.document("x.bin", FileContent.seeded(26, 4096)).dc(2).cdn(true).create();
    assertThat(errorMessage(cdn, new GetFile(false, true, location(world, d), 0, 4096)))
        .isEqualTo("CDN_METHOD_INVALID");
    assertThat(errorMessage(cdn, new GetCdnFile(TlBytes.wrap(new byte[32]), 0, 4096))).isEqualTo("FILE_TOKEN_INVALID");
  }

  @Test
  void configListsTheCdnAndItsKey() {
    DcServer cdnDc = cluster.cdnDc().orElseThrow();
    Config config = (Config) call(master, new GetConfig());
    assertThat(config.dcOptions()).anySatisfy(o -> {
      DcOption d = (DcOption) o;
      assertThat(d.cdn()).isTrue();
      assertThat(d.id()).isEqualTo(cdnDc.id());
      assertThat(d.port()).isEqualTo(cdnDc.port());
    });
    CdnPublicKey key = (CdnPublicKey) ((CdnConfig) call(master, new GetCdnConfig())).publicKeys().get(0);
    assertThat(key.dcId()).isEqualTo(cdnDc.id());
    assertThat(RsaPublicKey.parsePem(key.publicKey()).fingerprint())
        .isEqualTo(cluster.cdnRsaKey().orElseThrow().publicKey().fingerprint())
        .isNotEqualTo(cluster.rsaKey().publicKey().fingerprint());
  }
}
