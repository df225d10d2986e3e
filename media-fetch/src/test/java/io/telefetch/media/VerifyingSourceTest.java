package io.telefetch.media;

import static io.telefetch.media.SourceTesting.MIB;
import static io.telefetch.media.SourceTesting.await;
import static io.telefetch.media.SourceTesting.bytesOf;
import static io.telefetch.media.SourceTesting.failure;
import static io.telefetch.media.SourceTesting.redirectOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FileSource.CdnFailed;
import io.telefetch.media.FileSource.Migrated;
import io.telefetch.media.FileSource.Outcome;
import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.e2e.Fixture;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RecordedRequest;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFileHashes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifying decorator against testkit: hashes asked when a part is sent, matching parts
 * delivered, corrupt ones (DC or CDN) never, other outcomes passed through, and a refused CDN token
 * on the hashes ending the CDN state.
 */
class VerifyingSourceTest {
  private static final long SIZE = 3L * MIB;
  private static Fixture.Stage stage;
  private static TelegramClient client;
  private static World world;
  private static DcServer dc2;
  private static WorldDocument doc;
  private static MediaFile file;
  private static WorldDocument cdnDoc;
  private static MediaFile cdnFile;
  private final FileHashes hashes = new FileHashes();
  private final SourceTesting.Events events = new SourceTesting.Events();

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2).cdn(true), "verifying");
    client = stage.client();
    world = stage.world();
    dc2 = stage.cluster().dc(2);
    doc = world.document("verified.bin", FileContent.seeded(81, SIZE)).dc(2).create();
    file = Fixture.file(client, stage.channel(), world.post(stage.channel()).media(doc).create().id());
    cdnDoc = world.video("verified-cdn.mp4", FileContent.seeded(82, SIZE)).dc(2).cdn(true).create();
    cdnFile = Fixture.file(client, stage.channel(), world.post(stage.channel()).media(cdnDoc).create().id());
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  @AfterEach
  void clean() {
    world.clearCorruption();
    dc2.faults().clearRpcErrors();
  }

  /** {@code inner}'s parts checked against DC {@code dc}'s upload.getFileHashes. */
  private VerifyingSource dcVerified(FileSource inner, int dc) {
    DcClient handle = client.dc(dc);
    return new VerifyingSource(inner, hashes, from -> handle.getFileHashes(new GetFileHashes(file.location(), from)),
        () -> SIZE, false, events);
  }

  /** The CDN source of {@link #cdnFile}, checked against the CDN hashes of its master DC. */
  private VerifyingSource cdnVerified(boolean tokenBound) throws Exception {
    Cdn state = (Cdn) SourceState.initial(2).redirected(redirectOf(client.dc(2), cdnFile));
    DcClient master = client.dc(2);
    CdnSource cdn = new CdnSource(master.cdn(state.cdnDc()), master, state, () -> SIZE, hashes::add);
    return new VerifyingSource(cdn, hashes, from -> master.getCdnFileHashes(new GetCdnFileHashes(state.token(), from)),
        () -> SIZE, tokenBound, events);
  }

  @Test
  void theHashesAreAskedWhenThePartIsSentAndAMatchingPartIsDelivered() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    MasterSource master = new MasterSource(client.dc(2), () -> file, false);
    FileSource held = (offset, limit) -> gate.thenCompose(v -> master.fetch(offset, limit));
    dc2.recorder().clear();
    CompletableFuture<Outcome> part = dcVerified(held, 2).fetch(MIB, MIB);
    RecordedRequest first = dc2.recorder().takeRequest(Duration.ofSeconds(30));
    assertThat(first).isNotNull();
    assertThat(first.method()).as("the hashes, before the part was even asked").isInstanceOf(GetFileHashes.class);
    assertThat(((GetFileHashes) first.method()).offset()).isEqualTo(MIB);
    assertThat(dc2.recorder().count("upload.getFile")).isZero();
    gate.complete(null);
    assertThat(bytesOf(await(part))).isEqualTo(doc.content().read(MIB, MIB));
    // the part's answer, and the one prefetched after it (sent before the part was delivered)
    assertThat(dc2.recorder().count("upload.getFileHashes")).isBetween(1L, 2L);
    assertThat(events.mismatches).isEmpty();
  }

  @Test
  void aCorruptDcPartIsNeverDeliveredAndTheMismatchIsReported() throws Exception {
    world.corrupt(doc, MIB + 10, 5);
    Throwable e = failure(dcVerified(new MasterSource(client.dc(2), () -> file, false), 2).fetch(MIB, MIB));
    assertThat(e).isInstanceOf(HashMismatchException.class);
    assertThat(((HashMismatchException) e).offset()).isEqualTo(MIB);
    assertThat(events.mismatches).containsExactly((long) MIB);
  }

  @Test
  void aCorruptCdnPartIsNeverDelivered() throws Exception {
    world.corrupt(cdnDoc, 2L * MIB + 200_000, 5);
    Throwable e = failure(cdnVerified(true).fetch(2L * MIB, MIB));
    assertThat(e).isInstanceOf(HashMismatchException.class);
    assertThat(events.mismatches).hasSize(1);
    // and an intact CDN part passes
    assertThat(bytesOf(await(cdnVerified(true).fetch(0, MIB)))).isEqualTo(cdnDoc.content().read(0, MIB));
  }

  @Test
  void outcomesOtherThanBytesPassThroughUnchecked() throws Exception {
    Outcome o = await(dcVerified(new MasterSource(client.dc(1), () -> file, false), 1).fetch(0, MIB));
    assertThat(o).isInstanceOf(Migrated.class);
    assertThat(((Migrated) o).error().dc()).isEqualTo(2);
    assertThat(events.mismatches).isEmpty();
  }

  @Test
  void aRefusedTokenOnTheCdnHashesEndsTheCdnStateOnlyWhenTheHashesAreTokenBound() throws Exception {
    dc2.faults().rpcError("upload.getCdnFileHashes", 400, "FILE_TOKEN_INVALID", 100);
    Outcome o = await(cdnVerified(true).fetch(0, MIB));
    assertThat(o).isInstanceOf(CdnFailed.class);
    assertThat(((CdnFailed) o).reason()).contains("FILE_TOKEN_INVALID");
    Throwable e = failure(cdnVerified(false).fetch(MIB, MIB));
    assertThat(e).isInstanceOf(RpcException.class);
    assertThat(((RpcException) e).errorMessage()).isEqualTo("FILE_TOKEN_INVALID");
  }
}
