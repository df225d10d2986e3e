package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.HashMismatchException;
import io.telefetch.media.HashUnavailableException;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.engine.BadPartException;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.RpcError;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The downloader's rows of the malicious-server matrix, against DCs whose API handler lies on
 * purpose: parts of the wrong size, wrong or missing hashes, wrong bytes from the CDN, malformed
 * CDN redirects, endless reupload requests, FILE_MIGRATE ping-pong. Each ends byte-exact or with a
 * typed error, within 60 s. Wrong bytes from a DC: MediaFetchEndToEndTest
 * (persistentCorruptionFails..., aCorruptedPartIsCaughtAndRefetched).
 */
class DownloaderHostileServerTest {
  private static final int MIB = 1 << 20;

  enum Lie { NONE, MORE_BYTES, FEWER_BYTES, WRONG_HASH, NO_HASHES, BAD_REDIRECT_KEY, BAD_REDIRECT_DC, REUPLOAD_LOOP, MIGRATE_LOOP }

  private static volatile Lie lie = Lie.NONE;
  /** Lies left to tell (the lie stops after that many); negative: forever. */
  private static final AtomicInteger budget = new AtomicInteger(-1);
  private static final long LIE_AT = 2L * MIB;

  private static Fixture.Stage stage;
  private static TestCluster cluster;
  private static World world;
  private static TelegramClient client;
  private static WorldChannel channel;
  private static WorldDocument doc;
  private static WorldMessage post;
  private static WorldDocument cdnDoc;
  private static WorldMessage cdnPost;

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2).cdn(true).apiHandler(c -> hostile(c.api())), "hostile");
    cluster = stage.cluster();
    world = stage.world();
    channel = stage.channel();
    client = stage.client();
    doc = world.document("hostile.bin", FileContent.seeded(51, 6L * MIB)).dc(1).create();
    post = world.post(channel).media(doc).create();
    cdnDoc = world.video("hostile-cdn.mp4", FileContent.seeded(52, 6L * MIB)).dc(1).cdn(true)
        .cdnReuploadNeeded(true).create();
    cdnPost = world.post(channel).media(cdnDoc).create();
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  @AfterEach
  void honest() {
    lie = Lie.NONE;
    budget.set(-1);
    world.clearCorruption();
  }

  private static boolean tell() {
    return budget.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0;
  }

  /** The world's answers, bent by {@link #lie}. */
  private static ApiHandler hostile(ApiHandler honest) {
    return (ctx, method) -> {
      Lie now = lie;
      if (now == Lie.MIGRATE_LOOP && method instanceof GetFile && tell()) {
        int other = ctx.dc().id() == 1 ? 2 : 1;
        return CompletableFuture.failedFuture(new RpcError(303, "FILE_MIGRATE_" + other));
      }
      if (now == Lie.REUPLOAD_LOOP && method instanceof ReuploadCdnFile r) {
        // answers like a reupload but never puts the file on the CDN
        return honest.handle(ctx, new GetCdnFileHashes(r.fileToken(), 0));
      }
      CompletableFuture<Object> answer = honest.handle(ctx, method);
      return answer.thenApply(a -> bend(now, method, a));
    };
  }

  private static Object bend(Lie now, TlMethod<?> method, Object answer) {
    if (method instanceof GetFile g && answer instanceof File f && g.offset() == LIE_AT
        && (now == Lie.MORE_BYTES || now == Lie.FEWER_BYTES) && tell()) {
      byte[] bytes = f.bytes().toByteArray();
      byte[] bent = now == Lie.MORE_BYTES ? Arrays.copyOf(bytes, bytes.length + 4096)
          : Arrays.copyOf(bytes, bytes.length - 4096);
      return new File(f.type(), f.mtime(), TlBytes.wrap(bent));
    }
    if (method instanceof GetFileHashes && answer instanceof List<?> list && (now == Lie.WRONG_HASH || now == Lie.NO_HASHES)
        && tell()) {
      if (now == Lie.NO_HASHES) {
        return List.of();
      }
      List<FileHashType> out = new ArrayList<>();
      for (Object o : list) {
        FileHash h = (FileHash) o;
        byte[] hash = h.hash().toByteArray();
        if (h.offset() == LIE_AT) {
          hash[0] ^= 1;
        }
        out.add(new FileHash(h.offset(), h.limit(), TlBytes.wrap(hash)));
      }
      return out;
    }
    if (answer instanceof FileCdnRedirect r && (now == Lie.BAD_REDIRECT_KEY || now == Lie.BAD_REDIRECT_DC)) {
      if (now == Lie.BAD_REDIRECT_KEY) {
        return new FileCdnRedirect(r.dcId(), r.fileToken(), TlBytes.wrap(new byte[31]), r.encryptionIv(), r.fileHashes());
      }
      return new FileCdnRedirect(-7, r.fileToken(), r.encryptionKey(), r.encryptionIv(), r.fileHashes());
    }
    return answer;
  }

  private static Throwable download(MediaFile file, FetchOptions options, byte[] expected) throws Exception {
    try {
      try (InputStream in = MediaFetcher.create(client, options).download(file).openStream()) {
        CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> {
          try {
            return in.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
        byte[] got = all.get(60, TimeUnit.SECONDS);
        assertThat(got).as("byte-exact").isEqualTo(expected);
        return null;
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException || c instanceof java.io.IOException)) {
        c = c.getCause();
      }
      return c;
    }
  }

  private static byte[] content(WorldDocument d) {
    return d.content().read(0, (int) d.size());
  }

  @Test
  void aPartWithMoreBytesThanAskedIsRefetchedOnceThenFailsTyped() throws Exception {
    MediaFile file = Fixture.file(client, channel, post.id());
    lie = Lie.MORE_BYTES;
    budget.set(1);
    assertThat(download(file, FetchOptions.builder().build(), content(doc))).as("one lie: refetched").isNull();
    budget.set(-1);
    Throwable e = download(file, FetchOptions.builder().maxHashRetries(2).build(), content(doc));
    assertThat(e).isInstanceOf(BadPartException.class).hasMessageContaining("bytes for a");
    assertThat(((BadPartException) e).part()).isEqualTo(LIE_AT / MIB);
  }

  @Test
  void aShortPartBeforeTheEndIsRefetchedOnceThenFailsTyped() throws Exception {
    MediaFile file = Fixture.file(client, channel, post.id());
    lie = Lie.FEWER_BYTES;
    budget.set(1);
    assertThat(download(file, FetchOptions.builder().build(), content(doc))).isNull();
    budget.set(-1);
    Throwable e = download(file, FetchOptions.builder().maxHashRetries(2).build(), content(doc));
    assertThat(e).isInstanceOf(BadPartException.class).hasMessageContaining("ended early");
  }

  @Test
  void wrongHashesFailTypedAfterBoundedRefetches() throws Exception {
    MediaFile file = Fixture.file(client, channel, post.id());
    lie = Lie.WRONG_HASH;
    long before = cluster.dc(1).recorder().count("upload.getFile");
    Throwable e = download(file, FetchOptions.builder().maxHashRetries(2).build(), content(doc));
    assertThat(e).isInstanceOf(HashMismatchException.class);
    assertThat(((HashMismatchException) e).offset()).isEqualTo(LIE_AT);
    assertThat(cluster.dc(1).recorder().count("upload.getFile") - before).as("bounded").isLessThanOrEqualTo(6 + 3 + 8);
  }

  @Test
  void missingHashesFailTypedInsteadOfDeliveringUnverifiedBytes() throws Exception {
    MediaFile file = Fixture.file(client, channel, post.id());
    lie = Lie.NO_HASHES;
    Throwable e = download(file, FetchOptions.builder().build(), content(doc));
    assertThat(e).isInstanceOf(HashUnavailableException.class);
  }

  @Test
  void wrongBytesFromTheCdnFailTypedAfterBoundedRefetches() throws Exception {
    MediaFile file = Fixture.file(client, channel, cdnPost.id());
    world.corrupt(cdnDoc, LIE_AT + 10, 5);
    Throwable e = download(file, FetchOptions.builder().maxHashRetries(2).build(), content(cdnDoc));
    assertThat(e).isInstanceOf(HashMismatchException.class);
  }

  @Test
  void aMalformedCdnRedirectIsNotFollowedTheDcServesTheFile() throws Exception {
    for (Lie bad : List.of(Lie.BAD_REDIRECT_KEY, Lie.BAD_REDIRECT_DC)) {
      MediaFile file = Fixture.file(client, channel, cdnPost.id());
      lie = bad;
      long cdnBefore = cluster.cdnDc().orElseThrow().recorder().count("upload.getCdnFile");
      assertThat(download(file, FetchOptions.builder().build(), content(cdnDoc))).as("%s", bad).isNull();
      assertThat(cluster.cdnDc().orElseThrow().recorder().count("upload.getCdnFile")).isEqualTo(cdnBefore);
    }
  }

  @Test
  void anEndlessReuploadLoopIsBoundedThenTheDcServesTheFile() throws Exception {
    MediaFile file = Fixture.file(client, channel, cdnPost.id());
    world.evictFromCdn(cdnDoc);
    lie = Lie.REUPLOAD_LOOP;
    long before = cluster.dc(1).recorder().count("upload.reuploadCdnFile");
    assertThat(download(file, FetchOptions.builder().window(4, 8).build(), content(cdnDoc))).isNull();
    long reuploads = cluster.dc(1).recorder().count("upload.reuploadCdnFile") - before;
    assertThat(reuploads).as("3 per part at most, parts in flight at most 8").isPositive().isLessThanOrEqualTo(3 * 8);
  }

  @Test
  void aFileMigratePingPongFailsTyped() throws Exception {
    MediaFile file = Fixture.file(client, channel, post.id());
    lie = Lie.MIGRATE_LOOP;
    Throwable e = download(file, FetchOptions.builder().maxRetries(1).build(), content(doc));
    assertThat(e).isInstanceOf(MigrateException.class);
  }
}
