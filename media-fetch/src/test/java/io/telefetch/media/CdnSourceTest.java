package io.telefetch.media;

import static io.telefetch.media.SourceTesting.MIB;
import static io.telefetch.media.SourceTesting.await;
import static io.telefetch.media.SourceTesting.bytesOf;
import static io.telefetch.media.SourceTesting.failure;
import static io.telefetch.media.SourceTesting.redirectOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FileSource.CdnFailed;
import io.telefetch.media.FileSource.Outcome;
import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.e2e.Fixture;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CDN source against testkit's CDN: decryption, reupload demands through the master DC (bounded),
 * and a refused file or request token ending the CDN state.
 */
class CdnSourceTest {
  private static final long SIZE = 2L * MIB;
  /** When set, the master DC answers reuploads like one but never puts the file back on the CDN. */
  private static volatile boolean reuploadLoop;
  private static Fixture.Stage stage;
  private static TelegramClient client;
  private static World world;
  private static DcServer master;
  private static DcServer cdnDc;
  private static int seed = 70;
  private final List<FileHashType> reuploadHashes = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2).cdn(true).apiHandler(c -> looping(c.api())), "cdnsrc");
    client = stage.client();
    world = stage.world();
    master = stage.cluster().dc(2);
    cdnDc = stage.cluster().cdnDc().orElseThrow();
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  @AfterEach
  void honest() {
    reuploadLoop = false;
    master.faults().clearRpcErrors();
    cdnDc.faults().clearRpcErrors();
  }

  private static ApiHandler looping(ApiHandler honest) {
    return (ctx, method) -> reuploadLoop && method instanceof ReuploadCdnFile r
        ? honest.handle(ctx, new GetCdnFileHashes(r.fileToken(), 0))
        : honest.handle(ctx, method);
  }

  /** A new CDN-served document of DC 2 (each test its own: tokens and CDN copies change). */
  private static WorldDocument document() {
    return world.video("cdn-" + seed + ".mp4", FileContent.seeded(seed++, SIZE)).dc(2).cdn(true).create();
  }

  private static MediaFile fileOf(WorldDocument doc) {
    return Fixture.file(client, stage.channel(), world.post(stage.channel()).media(doc).create().id());
  }

  /** The CDN source of {@code file}'s redirect, asked of its master DC now. */
  private CdnSource sourceOf(MediaFile file) throws Exception {
    Cdn state = (Cdn) SourceState.initial(2).redirected(redirectOf(client.dc(2), file));
    return new CdnSource(client.dc(2).cdn(state.cdnDc()), client.dc(2), state, () -> SIZE, reuploadHashes::addAll);
  }

  @Test
  void aPartIsFetchedFromTheCdnAndDecrypted() throws Exception {
    WorldDocument doc = document();
    CdnSource source = sourceOf(fileOf(doc));
    long before = cdnDc.recorder().count("upload.getCdnFile");
    Outcome o = await(source.fetch(MIB, MIB));
    assertThat(bytesOf(o)).as("decrypted").isEqualTo(doc.content().read(MIB, MIB));
    assertThat(cdnDc.recorder().count("upload.getCdnFile") - before).isEqualTo(1);
  }

  @Test
  void aReuploadDemandIsServedThroughTheMasterDcThenTheCdn() throws Exception {
    WorldDocument doc = document();
    CdnSource source = sourceOf(fileOf(doc));
    world.evictFromCdn(doc);
    long reuploads = master.recorder().count("upload.reuploadCdnFile");
    long onCdn = cdnDc.recorder().count("upload.getCdnFile");
    assertThat(bytesOf(await(source.fetch(0, MIB)))).isEqualTo(doc.content().read(0, MIB));
    assertThat(master.recorder().count("upload.reuploadCdnFile") - reuploads).isEqualTo(1);
    assertThat(cdnDc.recorder().count("upload.getCdnFile") - onCdn).as("asked, then asked again").isEqualTo(2);
    assertThat(reuploadHashes).as("the reupload's hashes are handed on").isNotEmpty();
    assertThat(world.isOnCdn(doc)).isTrue();
  }

  @Test
  void endlessReuploadDemandsEndTheCdnStateAfterTheBound() throws Exception {
    WorldDocument doc = document();
    CdnSource source = sourceOf(fileOf(doc));
    world.evictFromCdn(doc);
    reuploadLoop = true;
    long reuploads = master.recorder().count("upload.reuploadCdnFile");
    Outcome o = await(source.fetch(0, MIB));
    assertThat(o).isInstanceOf(CdnFailed.class);
    assertThat(((CdnFailed) o).reason()).contains("reupload");
    assertThat(master.recorder().count("upload.reuploadCdnFile") - reuploads).isEqualTo(CdnSource.MAX_REUPLOADS);
  }

  @Test
  void aRevokedFileTokenEndsTheCdnState() throws Exception {
    WorldDocument doc = document();
    CdnSource source = sourceOf(fileOf(doc));
    world.revokeCdnToken(doc);
    Outcome o = await(source.fetch(0, MIB));
    assertThat(o).isInstanceOf(CdnFailed.class);
    assertThat(((CdnFailed) o).reason()).isEqualTo("FILE_TOKEN_INVALID");
  }

  @Test
  void aRefusedRequestTokenEndsTheCdnState() throws Exception {
    WorldDocument doc = document();
    CdnSource source = sourceOf(fileOf(doc));
    world.evictFromCdn(doc);
    master.faults().rpcError("upload.reuploadCdnFile", 400, "REQUEST_TOKEN_INVALID", 1);
    Outcome o = await(source.fetch(0, MIB));
    assertThat(o).isInstanceOf(CdnFailed.class);
    assertThat(((CdnFailed) o).reason()).isEqualTo("REQUEST_TOKEN_INVALID");
  }

  @Test
  void otherErrorsGoToTheRetryPolicy() throws Exception {
    CdnSource source = sourceOf(fileOf(document()));
    cdnDc.faults().rpcError("upload.getCdnFile", 500, "INTERNAL_SERVER_ERROR", 1);
    Throwable e = failure(source.fetch(0, MIB));
    assertThat(e).isInstanceOf(RpcException.class);
    assertThat(((RpcException) e).errorMessage()).isEqualTo("INTERNAL_SERVER_ERROR");
  }
}
