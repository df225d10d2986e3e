package io.telefetch.media;

import static io.telefetch.media.SourceTesting.MIB;
import static io.telefetch.media.SourceTesting.await;
import static io.telefetch.media.SourceTesting.bytesOf;
import static io.telefetch.media.SourceTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FileSource.Migrated;
import io.telefetch.media.FileSource.Outcome;
import io.telefetch.media.FileSource.Redirected;
import io.telefetch.media.e2e.Fixture;
import io.telefetch.media.engine.BadPartException;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.ProtocolViolationException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.GetFile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The master source against testkit: upload.getFile answers become outcomes; it follows nothing itself. */
class MasterSourceTest {
  /** How the DCs bend their honest getFile answers. */
  private enum Bend { NONE, MORE_BYTES, UNASKED_REDIRECT }

  private static volatile Bend bend = Bend.NONE;
  private static Fixture.Stage stage;
  private static TelegramClient client;
  private static World world;
  private static WorldDocument doc;
  private static MediaFile file;
  private static MediaFile cdnFile;
  /** The size of {@link #doc}: its last part is short. */
  private static final long SIZE = 3L * MIB - 100 * 1024;

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2).cdn(true).apiHandler(c -> bent(c.api())), "master");
    client = stage.client();
    world = stage.world();
    doc = world.document("master.bin", FileContent.seeded(61, SIZE)).dc(2).create();
    file = Fixture.file(client, stage.channel(), world.post(stage.channel()).media(doc).create().id());
    WorldDocument onCdn = world.video("master-cdn.mp4", FileContent.seeded(62, 2L * MIB)).dc(2).cdn(true).create();
    cdnFile = Fixture.file(client, stage.channel(), world.post(stage.channel()).media(onCdn).create().id());
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  @AfterEach
  void honest() {
    bend = Bend.NONE;
  }

  private static ApiHandler bent(ApiHandler honest) {
    return (ctx, method) -> honest.handle(ctx, method).thenApply(answer -> {
      if (!(method instanceof GetFile) || !(answer instanceof File f)) {
        return answer;
      }
      if (bend == Bend.MORE_BYTES) {
        byte[] bytes = f.bytes().toByteArray();
        return new File(f.type(), f.mtime(), TlBytes.wrap(Arrays.copyOf(bytes, bytes.length + 4096)));
      }
      if (bend == Bend.UNASKED_REDIRECT) {
        return new FileCdnRedirect(203, TlBytes.wrap(new byte[8]), TlBytes.wrap(new byte[32]),
            TlBytes.wrap(new byte[16]), List.of());
      }
      return answer;
    });
  }

  private static MasterSource on(int dc, MediaFile f, boolean cdnSupported) {
    return new MasterSource(client.dc(dc), () -> f, cdnSupported);
  }

  @Test
  void aPartOfTheFilesDcIsItsBytes() throws Exception {
    long before = stage.cluster().dc(2).recorder().count("upload.getFile");
    Outcome o = await(on(2, file, false).fetch(MIB, MIB));
    assertThat(bytesOf(o)).isEqualTo(doc.content().read(MIB, MIB));
    assertThat(stage.cluster().dc(2).recorder().count("upload.getFile") - before).as("one request").isEqualTo(1);
  }

  @Test
  void fileMigrateIsAnOutcomeTheSourceDoesNotFollow() throws Exception {
    long onDc2 = stage.cluster().dc(2).recorder().count("upload.getFile");
    Outcome o = await(on(1, file, false).fetch(0, MIB));
    assertThat(o).isInstanceOf(Migrated.class);
    MigrateException m = ((Migrated) o).error();
    assertThat(m.kind()).isEqualTo(MigrateException.Kind.FILE);
    assertThat(m.dc()).isEqualTo(2);
    assertThat(stage.cluster().dc(2).recorder().count("upload.getFile")).as("DC 2 not asked").isEqualTo(onDc2);
  }

  @Test
  void aCdnRedirectIsAnOutcomeOnlyWhenCdnIsSupported() throws Exception {
    Outcome redirected = await(on(2, cdnFile, true).fetch(0, MIB));
    assertThat(redirected).isInstanceOf(Redirected.class);
    FileCdnRedirect r = ((Redirected) redirected).redirect();
    assertThat(r.dcId()).isEqualTo(TestCluster.DEFAULT_CDN_DC_ID);
    assertThat(CdnSource.followable(r)).isTrue();
    // without cdn_supported the DC serves the bytes itself
    assertThat(bytesOf(await(on(2, cdnFile, false).fetch(MIB, MIB)))).hasSize(MIB);
  }

  @Test
  void aPartWithMoreBytesThanAskedFailsTyped() throws Exception {
    bend = Bend.MORE_BYTES;
    Throwable e = failure(on(2, file, false).fetch(MIB, MIB));
    assertThat(e).isInstanceOf(BadPartException.class).hasMessageContaining("bytes for a " + MIB + "-byte request");
    assertThat(((BadPartException) e).part()).isEqualTo(1);
  }

  @Test
  void aShortPartIsTheEndOfTheFileOnlyAtItsSize() throws Exception {
    assertThat(bytesOf(await(on(2, file, false).fetch(2L * MIB, MIB)))).as("the last part")
        .isEqualTo(doc.content().read(2L * MIB, (int) (SIZE - 2L * MIB)));
    // a file claiming one more MiB than the DC holds: the same part ends early
    MediaFile longer = new MediaFile(file.location(), 2, SIZE + MIB, file.mimeType(), null, null);
    assertThat(failure(on(2, longer, false).fetch(2L * MIB, MIB))).isInstanceOf(BadPartException.class)
        .hasMessageContaining("ended early: " + (SIZE - 2L * MIB) + " bytes");
  }

  @Test
  void aRedirectToARequestWithoutCdnSupportIsAProtocolViolation() throws Exception {
    bend = Bend.UNASKED_REDIRECT;
    assertThat(failure(on(2, file, false).fetch(0, MIB))).isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("without cdn_supported");
  }
}
