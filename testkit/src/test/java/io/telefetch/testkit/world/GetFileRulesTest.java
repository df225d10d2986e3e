package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.MIB;
import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.error;
import static io.telefetch.testkit.world.Clients.errorMessage;
import static io.telefetch.testkit.world.Clients.location;
import static io.telefetch.testkit.world.Clients.part;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.DcOption;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.storage.FileJpeg;
import io.telefetch.tl.api.storage.FileMp4;
import io.telefetch.tl.api.storage.FilePartial;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** upload.getFile and upload.getFileHashes with Telegram's rules (PROTOCOL-NOTES section 7). */
class GetFileRulesTest {
  private static final long SIZE = 3L * MIB + 12_345;

  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static WorldDocument video;
  private static WorldPhoto photo;
  private static MtprotoConnection dc2;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).mediaDc(2).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    WorldUser bot = world.bot("rules_bot").dc(2).create();
    video = world.video("clip.mp4", FileContent.seeded(7, SIZE)).dc(2)
        .thumb(WorldPhotoSize.jpeg("m", 320, 180, 7)).create();
    photo = world.photo().dc(2).seed(3).create();
    dc2 = clients.loginBot(bot);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cluster.close();
  }

  private static InputDocumentFileLocation loc() {
    return location(world, video);
  }

  @Test
  void wholeFileIn1MibPartsWithAShortLastPart() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long offset = 0;
    int parts = 0;
    while (true) {
      byte[] b = part(dc2, loc(), offset, MIB);
      sha.update(b);
      parts++;
      offset += b.length;
      if (b.length < MIB) {
        assertThat(b.length).isEqualTo((int) (SIZE % MIB));
        break;
      }
    }
    assertThat(parts).isEqualTo(4);
    assertThat(offset).isEqualTo(SIZE);
    assertThat(sha.digest()).isEqualTo(video.content().sha256());
  }

  @Test
  void partsAreExactlyTheRequestedRange() {
    assertThat(part(dc2, loc(), 512 * 1024, 512 * 1024)).isEqualTo(video.content().read(512 * 1024, 512 * 1024));
    assertThat(part(dc2, loc(), 3 * MIB, 4096)).isEqualTo(video.content().read(3 * MIB, 4096));
    assertThat(part(dc2, loc(), 3 * MIB + 8192, 8192)).hasSize(12_345 - 8192);
  }

  @Test
  void atAndPastTheEndTheReplyIsEmpty() {
    long end = (SIZE / 4096 + 1) * 4096;
    assertThat(part(dc2, loc(), end, 4096)).isEmpty();
    assertThat(part(dc2, loc(), 10L * MIB, MIB)).isEmpty();
  }

  @Test
  void storageTypeFollowsMimeTypeAndOffset() {
    File first = (File) call(dc2, new GetFile(false, false, loc(), 0, 4096));
    File later = (File) call(dc2, new GetFile(false, false, loc(), 4096, 4096));
    assertThat(first.type()).isInstanceOf(FileMp4.class);
    assertThat(later.type()).isInstanceOf(FilePartial.class);
    assertThat(first.mtime()).isEqualTo(video.date());
  }

  @ParameterizedTest(name = "offset {0} limit {1} -> {2}")
  @CsvSource({
      "1024, 4096, OFFSET_INVALID",
      "-4096, 4096, OFFSET_INVALID",
      "0, 1000, LIMIT_INVALID",
      "0, 12288, LIMIT_INVALID",
      "0, 0, LIMIT_INVALID",
      "0, -4096, LIMIT_INVALID",
      "0, 2097152, LIMIT_INVALID",
      "1044480, 8192, LIMIT_INVALID",
      "524288, 1048576, LIMIT_INVALID",
  })
  void rejectsBadOffsetsAndLimitsWithoutPrecise(long offset, int limit, String expected) {
    RpcException e = error(dc2, new GetFile(false, false, loc(), offset, limit));
    assertThat(e.code()).isEqualTo(400);
    assertThat(e.errorMessage()).isEqualTo(expected);
  }

  @Test
  void preciseAllowsKibMultiplesInsideOneMebibyte() {
    byte[] b = ((File) call(dc2, new GetFile(true, false, loc(), 1024, 3072))).bytes().toByteArray();
    assertThat(b).isEqualTo(video.content().read(1024, 3072));
    byte[] tail = ((File) call(dc2, new GetFile(true, false, loc(), MIB - 5120, 5120))).bytes().toByteArray();
    assertThat(tail).isEqualTo(video.content().read(MIB - 5120, 5120));
  }

  @ParameterizedTest(name = "precise offset {0} limit {1} -> {2}")
  @CsvSource({
      "512, 1024, OFFSET_INVALID",
      "1024, 1500, LIMIT_INVALID",
      "1047552, 2048, LIMIT_INVALID",
      "0, 1049600, LIMIT_INVALID",
  })
  void preciseStillRejectsBadRanges(long offset, int limit, String expected) {
    assertThat(errorMessage(dc2, new GetFile(true, false, loc(), offset, limit))).isEqualTo(expected);
  }

  @Test
  void unknownOrForgedLocationsAreLocationInvalid() {
    TlBytes ref = TlBytes.wrap(world.fileReference(video));
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputDocumentFileLocation(video.id() + 1, video.accessHash(), ref, ""), 0, 4096)))
        .isEqualTo("LOCATION_INVALID");
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputDocumentFileLocation(video.id(), video.accessHash() ^ 1, ref, ""), 0, 4096)))
        .isEqualTo("LOCATION_INVALID");
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputDocumentFileLocation(video.id(), video.accessHash(), ref, "z"), 0, 4096)))
        .isEqualTo("LOCATION_INVALID");
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputFileLocation(1, 2, 3, TlBytes.EMPTY), 0, 4096))).isEqualTo("LOCATION_INVALID");
  }

  @Test
  void badFileReferencesAreRejected() {
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputDocumentFileLocation(video.id(), video.accessHash(), TlBytes.EMPTY, ""), 0, 4096)))
        .isEqualTo("FILE_REFERENCE_EMPTY");
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputDocumentFileLocation(video.id(), video.accessHash(), TlBytes.wrap(new byte[] {1, 2, 3}), ""), 0,
        4096))).isEqualTo("FILE_REFERENCE_INVALID");
  }

  @Test
  void askingTheWrongDcAnswersFileMigrate() {
    MtprotoConnection dc1 = clients.transferLogin(dc2, cluster.dc(1));
    RpcException e = error(dc1, new GetFile(false, false, loc(), 0, MIB));
    assertThat(e.code()).isEqualTo(303);
    assertThat(e).isInstanceOf(MigrateException.class);
    assertThat(((MigrateException) e).kind()).isEqualTo(MigrateException.Kind.FILE);
    assertThat(((MigrateException) e).dc()).isEqualTo(2);
    assertThat(errorMessage(dc1, new GetFileHashes(loc(), 0))).isEqualTo("FILE_MIGRATE_2");
  }

  @Test
  void beforeLoginDownloadsAreUnauthorized() {
    MtprotoConnection anonymous = clients.connect(cluster.dc(2));
    RpcException e = error(anonymous, new GetFile(false, false, loc(), 0, MIB));
    assertThat(e.code()).isEqualTo(401);
    assertThat(e.errorMessage()).isEqualTo("AUTH_KEY_UNREGISTERED");
  }

  @Test
  void theMediaOnlyOptionServesWithTheSameKey() {
    DcServer media = cluster.mediaDc(2).orElseThrow();
    Config config = (Config) call(dc2, new GetConfig());
    assertThat(config.dcOptions()).extracting(o -> ((DcOption) o).mediaOnly() + ":" + ((DcOption) o).port())
        .contains("true:" + media.port(), "false:" + cluster.dc(2).port());
    long before = media.recorder().count("upload.getFile");
    MtprotoConnection m = clients.reuseKey(media, dc2);
    assertThat(part(m, loc(), 2 * MIB, MIB)).isEqualTo(video.content().read(2 * MIB, MIB));
    assertThat(media.recorder().count("upload.getFile")).isEqualTo(before + 1);
  }

  @Test
  void photoSizesAndDocumentThumbsAreDownloadable() {
    WorldPhotoSize m = photo.size("m").orElseThrow();
    TlBytes ref = TlBytes.wrap(world.fileReference(photo));
    File f = (File) call(dc2, new GetFile(false, false,
        new InputPhotoFileLocation(photo.id(), photo.accessHash(), ref, "m"), 0, MIB));
    assertThat(f.type()).isInstanceOf(FileJpeg.class);
    assertThat(f.bytes().toByteArray()).isEqualTo(m.content().read(0, MIB)).hasSize((int) m.content().size());
    File thumb = (File) call(dc2, new GetFile(false, false,
        new InputDocumentFileLocation(video.id(), video.accessHash(), TlBytes.wrap(world.fileReference(video)), "m"),
        0, MIB));
    assertThat(thumb.bytes().toByteArray()).isEqualTo(video.thumbs().get(0).content().read(0, MIB));
    assertThat(errorMessage(dc2, new GetFile(false, false,
        new InputPhotoFileLocation(photo.id(), photo.accessHash(), ref, "w"), 0, MIB))).isEqualTo("LOCATION_INVALID");
  }

  @Test
  void fileHashesAreSha256Of128KibWindowsFromTheRequestedOffset() throws Exception {
    @SuppressWarnings("unchecked")
    List<FileHashType> hashes = (List<FileHashType>) (List<?>) call(dc2, new GetFileHashes(loc(), 0));
    assertThat(hashes).hasSize(World.HASHES_PER_CALL);
    for (int i = 0; i < hashes.size(); i++) {
      FileHash h = (FileHash) hashes.get(i);
      assertThat(h.offset()).isEqualTo((long) i * World.HASH_WINDOW);
      assertThat(h.limit()).isEqualTo(World.HASH_WINDOW);
      byte[] window = video.content().read(h.offset(), h.limit());
      assertThat(h.hash().toByteArray()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(window));
    }
    @SuppressWarnings("unchecked")
    List<FileHashType> tail = (List<FileHashType>) (List<?>) call(dc2,
        new GetFileHashes(loc(), 3L * MIB - 5));
    assertThat(tail).extracting(h -> ((FileHash) h).offset()).containsExactly(3L * MIB - World.HASH_WINDOW,
        3L * MIB);
    FileHash last = (FileHash) tail.get(1);
    assertThat(last.limit()).isEqualTo(12_345);
    assertThat(last.hash().toByteArray()).isEqualTo(video.content().sha256(3L * MIB, 12_345));
    assertThat(call(dc2, new GetFileHashes(loc(), SIZE + 1))).isEmpty();
  }

  @Test
  void hashesLetAClientVerifyEveryPart() throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (long offset = 0; offset < 2 * MIB; offset += MIB) {
      byte[] b = part(dc2, loc(), offset, MIB);
      all.write(b);
      @SuppressWarnings("unchecked")
      List<FileHashType> hashes = (List<FileHashType>) (List<?>) call(dc2, new GetFileHashes(loc(), offset));
      for (FileHashType t : hashes) {
        FileHash h = (FileHash) t;
        int at = (int) (h.offset() - offset);
        assertThat(MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(b, at, at + h.limit())))
            .isEqualTo(h.hash().toByteArray());
      }
    }
    assertThat(all.size()).isEqualTo(2 * MIB);
  }
}
