package io.telefetch.media;

import static io.telefetch.media.SourceTesting.MIB;
import static io.telefetch.media.SourceTesting.await;
import static io.telefetch.media.SourceTesting.copy;
import static io.telefetch.media.SourceTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.SourceState.FallenBack;
import io.telefetch.media.SourceState.Master;
import io.telefetch.media.e2e.Fixture;
import io.telefetch.media.engine.SerialExecutor;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RpcError;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.upload.CdnFileType;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetCdnFile;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router against testkit: it picks the source of each part from its state, and its transitions
 * (FILE_MIGRATE, a CDN redirect, the CDN failing) run on the download's owner executor, once for
 * all the parts that asked for them.
 */
class SourceRouterTest {
  private static final long SIZE = 3L * MIB;
  private static final int CDN_DC = TestCluster.DEFAULT_CDN_DC_ID;
  /** When set, every DC answers upload.getFile with FILE_MIGRATE to the other DC. */
  private static volatile boolean pingPong;
  private static Fixture.Stage stage;
  private static TelegramClient client;
  private static World world;
  private static DcServer dc1;
  private static DcServer dc2;
  private static DcServer cdnDc;
  private static WorldDocument doc;
  private static MediaFile file;
  private static WorldDocument cdnDoc;
  private static MediaFile cdnFile;
  private static int seed = 90;
  private final SourceTesting.Events events = new SourceTesting.Events();
  /** getFile answers held back by {@link Gated} handles until the test releases them. */
  private final BlockingQueue<Runnable> heldAnswers = new LinkedBlockingQueue<>();
  /** CDN handles the router asked for: one per CDN state it made. */
  private final AtomicInteger cdnHandles = new AtomicInteger();

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2).cdn(true).apiHandler(c -> bouncing(c.api())), "router");
    client = stage.client();
    world = stage.world();
    dc1 = stage.cluster().dc(1);
    dc2 = stage.cluster().dc(2);
    cdnDc = stage.cluster().cdnDc().orElseThrow();
    doc = world.document("routed.bin", FileContent.seeded(seed++, SIZE)).dc(2).create();
    file = fileOf(doc);
    cdnDoc = world.video("routed-cdn.mp4", FileContent.seeded(seed++, SIZE)).dc(2).cdn(true).create();
    cdnFile = fileOf(cdnDoc);
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  @AfterEach
  void clean() {
    pingPong = false;
    world.clearCorruption();
  }

  private static ApiHandler bouncing(ApiHandler honest) {
    return (ctx, method) -> pingPong && method instanceof GetFile
        ? CompletableFuture.failedFuture(new RpcError(303, "FILE_MIGRATE_" + (ctx.dc().id() == 1 ? 2 : 1)))
        : honest.handle(ctx, method);
  }

  private static MediaFile fileOf(WorldDocument d) {
    return Fixture.file(client, stage.channel(), world.post(stage.channel()).media(d).create().id());
  }

  /** A router over the client with this test's event recorder; getFile answers held when {@code gated}. */
  private SourceRouter router(MediaFile f, boolean verify, boolean gated, SerialExecutor owner) {
    return new SourceRouter(new Gated(client.dc(client.mainDc()), gated), f, verify, true, owner);
  }

  /** Lets the next held getFile answer reach the router, on this thread. */
  private void releaseAnswer() throws InterruptedException {
    Runnable answer = heldAnswers.poll(30, TimeUnit.SECONDS);
    assertThat(answer).as("a getFile answer arrived").isNotNull();
    answer.run();
  }

  @Test
  void aRedirectMovesTheFileOnTheOwnerThenTheCdnServesThePart() throws Exception {
    SourceTesting.ManualOwner owner = new SourceTesting.ManualOwner();
    SourceRouter router = router(cdnFile, false, true, owner.executor);
    assertThat(router.source()).isInstanceOf(MasterSource.class);
    CompletableFuture<TlBytes> part = router.fetch(0, MIB);
    releaseAnswer(); // the DC's upload.fileCdnRedirect reaches the router
    assertThat(router.state()).as("the transition waits for the owner").isInstanceOf(Master.class);
    assertThat(owner.hasWork()).isTrue();
    assertThat(part).isNotDone();
    owner.run();
    assertThat(router.state()).isInstanceOf(Cdn.class);
    assertThat(router.usingCdn()).isTrue();
    assertThat(router.source()).as("CDN parts are always verified").isInstanceOf(VerifyingSource.class);
    assertThat(((VerifyingSource) router.source()).inner()).isInstanceOf(CdnSource.class);
    assertThat(copy(await(part))).isEqualTo(cdnDoc.content().read(0, MIB));
    assertThat(events.partDcs).containsExactly(CDN_DC);
  }

  @Test
  void partsRedirectedTogetherMakeOneCdnState() throws Exception {
    SourceTesting.ManualOwner owner = new SourceTesting.ManualOwner();
    SourceRouter router = router(cdnFile, false, true, owner.executor);
    long getFiles = dc2.recorder().count("upload.getFile");
    long cdnParts = cdnDc.recorder().count("upload.getCdnFile");
    CompletableFuture<TlBytes> first = router.fetch(0, MIB);
    CompletableFuture<TlBytes> second = router.fetch(MIB, MIB);
    releaseAnswer();
    releaseAnswer(); // both redirects wait for the owner now
    owner.run();
    SourceState cdn = router.state();
    assertThat(cdn).isInstanceOf(Cdn.class);
    assertThat(copy(await(first))).isEqualTo(cdnDoc.content().read(0, MIB));
    assertThat(copy(await(second))).isEqualTo(cdnDoc.content().read(MIB, MIB));
    assertThat(router.state()).isSameAs(cdn);
    assertThat(cdnHandles).as("the second redirect found the file moved: no second CDN state").hasValue(1);
    assertThat(dc2.recorder().count("upload.getFile") - getFiles).isEqualTo(2);
    assertThat(cdnDc.recorder().count("upload.getCdnFile") - cdnParts).isEqualTo(2);
  }

  @Test
  void aFileMigrateMovesTheMasterOnceForEveryPartAndIsReported() throws Exception {
    SourceTesting.ManualOwner owner = new SourceTesting.ManualOwner();
    MediaFile onWrongDc = new MediaFile(file.location(), 1, file.size(), file.mimeType(), null, null);
    SourceRouter router = router(onWrongDc, true, true, owner.executor);
    List<CompletableFuture<TlBytes>> parts = List.of(router.fetch(0, MIB), router.fetch(MIB, MIB),
        router.fetch(2L * MIB, MIB));
    for (int i = 0; i < 3; i++) {
      releaseAnswer(); // FILE_MIGRATE_2
    }
    assertThat(router.state()).isEqualTo(new Master(1));
    owner.run();
    assertThat(router.state()).isEqualTo(new Master(2));
    for (int i = 0; i < 3; i++) {
      releaseAnswer(); // the part, from DC 2
    }
    for (int i = 0; i < 3; i++) {
      assertThat(copy(await(parts.get(i)))).isEqualTo(doc.content().read(i * (long) MIB, MIB));
    }
    assertThat(events.migrations).containsExactly("1->2 FILE_MIGRATE_2");
    assertThat(events.partDcs).containsExactly(2, 2, 2);
  }

  @Test
  void aFileMigratePingPongFailsThePartAfterTheBound() throws Exception {
    pingPong = true;
    long before = dc1.recorder().count("upload.getFile") + dc2.recorder().count("upload.getFile");
    SourceRouter router = router(file, false, false, SerialExecutor.direct());
    Throwable e = failure(router.fetch(0, MIB));
    assertThat(e).isInstanceOf(MigrateException.class);
    long asked = dc1.recorder().count("upload.getFile") + dc2.recorder().count("upload.getFile") - before;
    assertThat(asked).isEqualTo(SourceRouter.MAX_MIGRATIONS + 1);
    assertThat(events.migrations).hasSize(SourceRouter.MAX_MIGRATIONS);
  }

  @Test
  void aRevokedCdnTokenFallsBackToTheDcForTheRestOfTheFile() throws Exception {
    WorldDocument revoked = world.video("revoked.mp4", FileContent.seeded(seed++, SIZE)).dc(2).cdn(true).create();
    SourceRouter router = router(fileOf(revoked), false, false, SerialExecutor.direct());
    assertThat(copy(await(router.fetch(0, MIB)))).isEqualTo(revoked.content().read(0, MIB));
    assertThat(router.state()).isInstanceOf(Cdn.class);
    world.revokeCdnToken(revoked);
    long getFiles = dc2.recorder().count("upload.getFile");
    assertThat(copy(await(router.fetch(MIB, MIB)))).isEqualTo(revoked.content().read(MIB, MIB));
    assertThat(router.state()).isEqualTo(new FallenBack(2));
    assertThat(router.source()).as("DC parts unverified unless asked").isInstanceOf(MasterSource.class);
    assertThat(dc2.recorder().count("upload.getFile") - getFiles).as("the DC served the part").isEqualTo(1);
    assertThat(events.partDcs).containsExactly(CDN_DC, 2);
    // fallen back for good: the next part goes to the DC without asking for the CDN
    assertThat(copy(await(router.fetch(2L * MIB, MIB)))).isEqualTo(revoked.content().read(2L * MIB, MIB));
    assertThat(events.partDcs).containsExactly(CDN_DC, 2, 2);
  }

  @Test
  void dcPartsAreVerifiedOnlyWhenAsked() throws Exception {
    world.corrupt(doc, MIB + 10, 5);
    SourceRouter unverified = router(file, false, false, SerialExecutor.direct());
    assertThat(unverified.source()).isInstanceOf(MasterSource.class);
    assertThat(copy(await(unverified.fetch(MIB, MIB)))).as("delivered as the DC sent it")
        .isNotEqualTo(doc.content().read(MIB, MIB));
    SourceRouter verified = router(file, true, false, SerialExecutor.direct());
    assertThat(verified.source()).isInstanceOf(VerifyingSource.class);
    assertThat(failure(verified.fetch(MIB, MIB))).isInstanceOf(HashMismatchException.class);
    assertThat(events.mismatches).containsExactly((long) MIB);
  }

  /**
   * A client handle that reports to this test's events and, when {@code gated}, holds every
   * getFile answer until {@link #releaseAnswer()}; every call still goes to testkit.
   */
  private final class Gated implements DcClient {
    private final DcClient delegate;
    private final boolean gated;

    Gated(DcClient delegate, boolean gated) {
      this.delegate = delegate;
      this.gated = gated;
    }

    @Override
    public int dcId() {
      return delegate.dcId();
    }

    @Override
    public <R> CompletableFuture<R> invoke(TlMethod<R> method) {
      return delegate.invoke(method);
    }

    @Override
    public <R> CompletableFuture<R> invoke(TlMethod<R> method, CallOptions options) {
      return delegate.invoke(method, options);
    }

    @Override
    public EventListener eventListener() {
      return events;
    }

    @Override
    public <R> CompletableFuture<R> invokeMain(TlMethod<R> method) {
      return delegate.invokeMain(method);
    }

    @Override
    public DcClient dc(int dcId) {
      return new Gated(delegate.dc(dcId), gated);
    }

    @Override
    public DcClient cdn(int dcId) {
      cdnHandles.incrementAndGet();
      return new Gated(delegate.cdn(dcId), gated);
    }

    @Override
    public CompletableFuture<Void> reconnect() {
      return delegate.reconnect();
    }

    @Override
    public CompletableFuture<FileType> getFile(GetFile request, CallOptions options) {
      CompletableFuture<FileType> answer = delegate.getFile(request, options);
      if (!gated) {
        return answer;
      }
      CompletableFuture<FileType> held = new CompletableFuture<>();
      answer.whenComplete((r, e) -> heldAnswers.add(() -> {
        if (e != null) {
          held.completeExceptionally(e);
        } else {
          held.complete(r);
        }
      }));
      return held;
    }

    @Override
    public CompletableFuture<CdnFileType> getCdnFile(GetCdnFile request, CallOptions options) {
      return delegate.getCdnFile(request, options);
    }

    @Override
    public CompletableFuture<List<FileHashType>> getFileHashes(GetFileHashes request) {
      return delegate.getFileHashes(request);
    }

    @Override
    public CompletableFuture<List<FileHashType>> getCdnFileHashes(GetCdnFileHashes request) {
      return delegate.getCdnFileHashes(request);
    }

    @Override
    public CompletableFuture<List<FileHashType>> reuploadCdnFile(ReuploadCdnFile request) {
      return delegate.reuploadCdnFile(request);
    }
  }
}
