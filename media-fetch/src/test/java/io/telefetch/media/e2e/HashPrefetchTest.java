package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.RecordedRequest;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verification's upload.getFileHashes calls are sent ahead of the parts, one per hash answer's
 * worth of bytes (not one per part), and on the DC's ordinary connection rather than on the
 * connections carrying the parts.
 */
class HashPrefetchTest {
  private static final int KIB = 1 << 10;
  private static final int MIB = 1 << 20;
  /** What one testkit getFileHashes answer covers. */
  private static final int HASH_COVERAGE = World.HASHES_PER_CALL * World.HASH_WINDOW;

  private static Fixture.Stage stage;
  private static TestCluster cluster;
  private static World world;
  private static TelegramClient client;
  private static WorldChannel channel;

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2).cdn(true), "hash");
    cluster = stage.cluster();
    world = stage.world();
    channel = stage.channel();
    client = stage.client();
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  private static List<RecordedRequest> drain(int dc) throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = cluster.dc(dc).recorder().takeRequest(Duration.ZERO)) != null) {
      out.add(r);
    }
    return out;
  }

  private static boolean isFor(RecordedRequest r, WorldDocument doc) {
    if (r.method() instanceof GetFile g) {
      return g.location() instanceof InputDocumentFileLocation l && l.id() == doc.id();
    }
    if (r.method() instanceof GetFileHashes h) {
      return h.location() instanceof InputDocumentFileLocation l && l.id() == doc.id();
    }
    return false;
  }

  @Test
  void hashesComeAheadOncePerAnswerAndOffTheDownloadConnections() throws Exception {
    long size = 16L * MIB + 100 * KIB; // a short last hash answer and a short last part
    WorldDocument doc = world.document("hashed.bin", FileContent.seeded(21, size)).dc(2).create(); // not home
    WorldMessage post = world.post(channel).media(doc).create();
    MediaFile file = Fixture.file(client, channel, post.id());
    // 128 KiB parts: eight parts per hash answer, so asking once per part would show
    FetchOptions options = FetchOptions.builder().partSize(128 * KIB).window(8, 8).verify(true).build();
    drain(2);
    try (InputStream in = MediaFetcher.create(client, options).download(file).openStream()) {
      assertThat(in.readAllBytes()).isEqualTo(doc.content().read(0, (int) size));
    }
    List<RecordedRequest> calls = drain(2).stream().filter(r -> isFor(r, doc)).toList();
    List<RecordedRequest> parts = calls.stream().filter(r -> r.method() instanceof GetFile).toList();
    List<RecordedRequest> hashes = calls.stream().filter(r -> r.method() instanceof GetFileHashes).toList();
    assertThat(parts).hasSize((int) ((size + 128 * KIB - 1) / (128 * KIB)));
    List<Long> hashOffsets = hashes.stream().map(r -> ((GetFileHashes) r.method()).offset()).sorted().toList();
    List<Long> expected = new ArrayList<>();
    for (long o = 0; o < size; o += HASH_COVERAGE) {
      expected.add(o);
    }
    assertThat(hashOffsets).as("one getFileHashes per answer's worth of bytes").isEqualTo(expected);
    Set<Long> partConnections = parts.stream().map(RecordedRequest::connectionId).collect(Collectors.toSet());
    Set<Long> hashConnections = hashes.stream().map(RecordedRequest::connectionId).collect(Collectors.toSet());
    assertThat(hashConnections).as("hash calls stay off the download connections")
        .doesNotContainAnyElementsOf(partConnections);
  }

  @Test
  void overABareDcClientHashesAreStillFetchedAheadOncePerAnswer() throws Exception {
    long size = 8L * MIB;
    WorldDocument doc = world.document("bare.bin", FileContent.seeded(22, size)).dc(2).create();
    WorldMessage post = world.post(channel).media(doc).create();
    MediaFile file = Fixture.file(client, channel, post.id());
    FetchOptions options = FetchOptions.builder().partSize(256 * KIB).window(6, 6).verify(true).build();
    drain(2);
    try (InputStream in = MediaFetcher.create(client.dc(client.mainDc()), options).download(file).openStream()) {
      assertThat(in.readAllBytes()).isEqualTo(doc.content().read(0, (int) size));
    }
    long hashes = drain(2).stream().filter(r -> isFor(r, doc) && r.method() instanceof GetFileHashes).count();
    assertThat(hashes).isEqualTo(size / HASH_COVERAGE);
  }

  @Test
  void withoutVerificationNoHashIsAsked() throws Exception {
    long size = 4L * MIB;
    WorldDocument doc = world.document("plain.bin", FileContent.seeded(23, size)).dc(2).create();
    WorldMessage post = world.post(channel).media(doc).create();
    MediaFile file = Fixture.file(client, channel, post.id());
    drain(2);
    FetchOptions options = FetchOptions.builder().verify(false).build();
    try (InputStream in = MediaFetcher.create(client, options).download(file).openStream()) {
      assertThat(in.readAllBytes()).isEqualTo(doc.content().read(0, (int) size));
    }
    assertThat(drain(2).stream().filter(r -> isFor(r, doc) && r.method() instanceof GetFileHashes)).isEmpty();
  }

  @Test
  void cdnHashesAreAskedOfTheMasterDcOnItsOrdinaryConnection() throws Exception {
    long size = 8L * MIB;
    WorldDocument doc = world.video("hashed-cdn.mp4", FileContent.seeded(24, size)).dc(2).cdn(true)
        .cdnReuploadNeeded(true).create();
    WorldMessage post = world.post(channel).media(doc).create();
    MediaFile file = Fixture.file(client, channel, post.id());
    drain(2);
    try (InputStream in = MediaFetcher.create(client, FetchOptions.builder().window(4, 4).build()).download(file)
        .openStream()) {
      assertThat(in.readAllBytes()).isEqualTo(doc.content().read(0, (int) size));
    }
    List<RecordedRequest> calls = drain(2);
    Set<Long> redirects = calls.stream().filter(r -> isFor(r, doc) && r.method() instanceof GetFile)
        .map(RecordedRequest::connectionId)
        .collect(Collectors.toSet());
    List<RecordedRequest> hashes = calls.stream().filter(r -> r.method() instanceof GetCdnFileHashes).toList();
    assertThat(redirects).as("getFile answered with the redirect").isNotEmpty();
    assertThat(hashes).as("the redirect's hashes cover only the first answer's worth").isNotEmpty();
    assertThat(hashes.stream().map(RecordedRequest::connectionId).collect(Collectors.toSet()))
        .as("CDN hash calls stay off the download connections").doesNotContainAnyElementsOf(redirects);
    assertThat(calls.stream().filter(r -> r.method() instanceof ReuploadCdnFile)).as("the reupload went to the master DC")
        .isNotEmpty();
  }
}
