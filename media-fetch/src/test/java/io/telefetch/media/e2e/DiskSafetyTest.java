package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.media.DownloadIOException;
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
import io.telefetch.tl.api.upload.GetFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * toPath against a hostile or failing disk: planted links and special files (hole 6), a resume
 * over damaged saved bytes (hole 7), a full disk (hole 8), and what the state file and toString
 * reveal (hole 10).
 */
class DiskSafetyTest {
  private static final int MIB = 1 << 20;
  private static final String VICTIM = "do not touch!";

  private static Fixture.Stage stage;
  private static TestCluster cluster;
  private static World world;
  private static TelegramClient client;
  private static WorldChannel channel;
  private static WorldDocument doc;
  private static WorldMessage post;

  @BeforeAll
  static void start() {
    stage = Fixture.Stage.start(TestCluster.builder().dcs(2), "disk");
    cluster = stage.cluster();
    world = stage.world();
    channel = stage.channel();
    client = stage.client();
    doc = world.document("disk.bin", FileContent.seeded(11, 24L * MIB)).dc(1).create();
    post = world.post(channel).media(doc).create();
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  private static MediaFile file() {
    return Fixture.file(client, channel, post.id());
  }

  private static MediaFetcher fetcher(FetchOptions.Builder b) {
    return MediaFetcher.create(client, b.window(4, 8).build());
  }

  private static String expectedSha() {
    return HexFormat.of().formatHex(doc.content().sha256());
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("no failure within 60 s: " + e, e);
    }
    throw new AssertionError("the download succeeded");
  }

  private static Path victim(Path dir) throws IOException {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, VICTIM);
    return victim;
  }

  // ------------------------------------------------------------------ hole 6: links and special files

  @Test
  void aPlantedPartSymlinkIsNotFollowed(@TempDir Path dir) throws Exception {
    Path victim = victim(dir);
    Path target = dir.resolve("out.bin");
    Files.createSymbolicLink(dir.resolve("out.bin.part"), victim);
    Throwable e = failure(fetcher(FetchOptions.builder()).download(file()).toPath(target));
    assertThat(Files.readString(victim)).as("the link's target").isEqualTo(VICTIM);
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(e).isInstanceOf(DownloadIOException.class).hasMessageContaining("out.bin.part");
    assertThat(((DownloadIOException) e).kind()).isEqualTo(DownloadIOException.Kind.LINK);
    assertThat(((DownloadIOException) e).path()).isEqualTo(dir.resolve("out.bin.part"));
  }

  @Test
  void aPlantedStateSymlinkIsNotFollowed(@TempDir Path dir) throws Exception {
    Path victim = victim(dir);
    Path target = dir.resolve("out.bin");
    Files.createSymbolicLink(dir.resolve("out.bin.part.state"), victim);
    Throwable e = failure(fetcher(FetchOptions.builder()).download(file()).toPath(target));
    assertThat(Files.readString(victim)).isEqualTo(VICTIM);
    assertThat(Files.isSymbolicLink(dir.resolve("out.bin.part.state"))).isTrue();
    assertThat(e).isInstanceOf(DownloadIOException.class);
    assertThat(((DownloadIOException) e).kind()).isEqualTo(DownloadIOException.Kind.LINK);
    assertThat(((DownloadIOException) e).path()).isEqualTo(dir.resolve("out.bin.part.state"));
  }

  @Test
  void aDestinationThatIsASymlinkIsNotReplacedNorFollowed(@TempDir Path dir) throws Exception {
    Path victim = victim(dir);
    Path target = dir.resolve("out.bin");
    Files.createSymbolicLink(target, victim);
    Throwable e = failure(fetcher(FetchOptions.builder()).download(file()).toPath(target));
    assertThat(Files.readString(victim)).isEqualTo(VICTIM);
    assertThat(Files.isSymbolicLink(target)).isTrue();
    assertThat(e).isInstanceOf(DownloadIOException.class);
    assertThat(((DownloadIOException) e).kind()).isEqualTo(DownloadIOException.Kind.LINK);
    assertThat(((DownloadIOException) e).path()).isEqualTo(target);
  }

  @Test
  void aPartThatIsADirectoryOrAFifoIsRefused(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("out.bin");
    Files.createDirectory(dir.resolve("out.bin.part"));
    Throwable e = failure(fetcher(FetchOptions.builder()).download(file()).toPath(target));
    assertThat(e).isInstanceOf(DownloadIOException.class);
    assertThat(((DownloadIOException) e).kind()).isEqualTo(DownloadIOException.Kind.NOT_A_REGULAR_FILE);
    assertThat(Files.isDirectory(dir.resolve("out.bin.part"))).isTrue();

    Path fifoTarget = dir.resolve("fifo.bin");
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo.bin.part").toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    Throwable f = failure(fetcher(FetchOptions.builder()).download(file()).toPath(fifoTarget));
    assertThat(f).isInstanceOf(DownloadIOException.class);
    assertThat(((DownloadIOException) f).kind()).isEqualTo(DownloadIOException.Kind.NOT_A_REGULAR_FILE);
    assertThat(((DownloadIOException) f).path()).isEqualTo(dir.resolve("fifo.bin.part"));
    assertThat(Files.exists(fifoTarget, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aPartFilePlantedByAnotherUserIsNotWrittenTo(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("planted.bin");
    Path part = dir.resolve("planted.bin.part");
    Files.writeString(part, VICTIM);
    java.nio.file.attribute.UserPrincipal nobody;
    try {
      nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(part, nobody);
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "cannot give a file away here (needs root): " + e);
      return;
    }
    Throwable e = failure(fetcher(FetchOptions.builder()).download(file()).toPath(target));
    assertThat(Files.readString(part)).isEqualTo(VICTIM);
    assertThat(Files.getOwner(part)).isEqualTo(nobody);
    assertThat(e).isInstanceOf(DownloadIOException.class);
    assertThat(((DownloadIOException) e).kind()).isEqualTo(DownloadIOException.Kind.NOT_OWNED);
    assertThat(((DownloadIOException) e).path()).isEqualTo(part);
  }

  // ------------------------------------------------------------------ hole 8: disk full

  @Test
  void aFullDiskClosesTheFileRemovesTemporariesAndReportsTheFirstError(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("full.bin");
    FailingFileIo io = new FailingFileIo(5L * MIB + 1234, p -> true);
    Throwable e = failure(fetcher(FetchOptions.builder().fileIo(io)).download(file()).toPath(target));
    assertThat(e).isInstanceOf(DownloadIOException.class);
    DownloadIOException d = (DownloadIOException) e;
    assertThat(d.kind()).isEqualTo(DownloadIOException.Kind.IO);
    assertThat(d.path()).isEqualTo(dir.resolve("full.bin.part"));
    assertThat(d.getMessage()).contains("full.bin.part");
    assertThat(d.getCause()).isInstanceOf(IOException.class).hasMessage("No space left on device");
    assertThat(d.getSuppressed()).as("later errors (saving the state on a full disk)").isNotEmpty();
    assertThat(io.failures.get()).isGreaterThan(1);
    assertThat(Files.exists(dir.resolve("full.bin.part.state.tmp"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(openDescriptorsUnder(dir)).as("file descriptors still open under %s", dir).isEmpty();
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
    // nothing is locked or held: the partial file can be removed and the download redone
    Files.delete(dir.resolve("full.bin.part"));
    Path done = fetcher(FetchOptions.builder()).download(file()).toPath(target).get(60, TimeUnit.SECONDS);
    assertThat(Sha.of(done)).isEqualTo(expectedSha());
  }

  @Test
  void aFullDiskWhileSavingTheStateLeavesNoTemporary(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("state.bin");
    // the data always fits, the state file's temporary never does
    FailingFileIo io = new FailingFileIo(0, p -> p.getFileName().toString().endsWith(".tmp"));
    Throwable e = failure(fetcher(FetchOptions.builder().fileIo(io)).download(file()).toPath(target));
    assertThat(e).isInstanceOf(DownloadIOException.class);
    assertThat(((DownloadIOException) e).path()).isEqualTo(dir.resolve("state.bin.part.state.tmp"));
    assertThat(e.getCause()).hasMessage("No space left on device");
    assertThat(Files.exists(dir.resolve("state.bin.part.state.tmp"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(openDescriptorsUnder(dir)).isEmpty();
  }

  /** Paths under {@code dir} this process holds open (Linux: /proc/self/fd). */
  private static List<String> openDescriptorsUnder(Path dir) throws IOException {
    List<String> open = new ArrayList<>();
    String prefix = dir.toRealPath().toString();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String to = Files.readSymbolicLink(fd).toString();
          if (to.startsWith(prefix)) {
            open.add(to);
          }
        } catch (IOException ignored) {
          // closed meanwhile
        }
      }
    }
    return open;
  }

  // ------------------------------------------------------------------ hole 10: what the files reveal

  @Test
  void theStateFileHoldsNoIdsAndIsOwnerOnly(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("secret.bin");
    // stop after 10 MiB of data: the partial file and the state saved at 8 MiB stay behind
    FailingFileIo io = new FailingFileIo(10L * MIB, p -> p.getFileName().toString().endsWith(".part"));
    failure(fetcher(FetchOptions.builder().fileIo(io)).download(file()).toPath(target));
    Path state = dir.resolve("secret.bin.part.state");
    String text = Files.readString(state, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain(Long.toString(doc.id())).doesNotContain(Long.toString(doc.accessHash()))
        .doesNotContain(Long.toHexString(doc.id())).doesNotContain(Long.toHexString(doc.accessHash()))
        .doesNotContain(HexFormat.of().formatHex(world.fileReference(doc)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state, LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secret.bin.part"),
        LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
    // and the resume still works from it, with a new file reference (not part of the identity)
    world.expireFileReferences();
    MediaFile refreshed = file();
    long before = cluster.dc(1).recorder().count("upload.getFile");
    Path done = fetcher(FetchOptions.builder()).download(refreshed).toPath(target).get(60, TimeUnit.SECONDS);
    assertThat(Sha.of(done)).isEqualTo(expectedSha());
    assertThat(cluster.dc(1).recorder().count("upload.getFile") - before).as("resumed, not restarted")
        .isLessThanOrEqualTo(24 - 8);
  }

  @Test
  void toStringShowsNoAccessHashIdNorFileReference() {
    MediaFile f = file();
    String request = fetcher(FetchOptions.builder()).download(f).range(0, MIB).toString();
    for (String s : List.of(f.toString(), request)) {
      assertThat(s).doesNotContain(Long.toString(doc.accessHash())).doesNotContain(Long.toString(doc.id()))
          .doesNotContain(HexFormat.of().formatHex(world.fileReference(doc)));
    }
    assertThat(request).contains("disk.bin");
  }

  // ------------------------------------------------------------------ hole 7: damaged saved bytes

  @Test
  void aResumeRefetchesASavedPartWhoseBytesChanged(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("resume.bin");
    Path part = dir.resolve("resume.bin.part");
    AtomicReference<CompletableFuture<Path>> first = new AtomicReference<>();
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    CompletableFuture<Path> f = fetcher(FetchOptions.builder()).download(file()).withProgress(p -> {
      if (p.bytesDone() >= 14L * MIB && !cancelled.isDone()) {
        CompletableFuture<Path> mine = first.get();
        if (mine != null) {
          mine.cancel(true); // the download stops here, its state saved
          cancelled.complete(null);
        }
      }
    }).toPath(target);
    first.set(f);
    assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
    cancelled.get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (openDescriptorsUnder(dir).size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10); // the cancelled download closes its file on its own thread
    }
    assertThat(Files.size(part)).isGreaterThan(12L * MIB);
    assertThat(Files.exists(target)).isFalse();
    long flipAt = 10L * MIB + 4321;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, flipAt);
      b.put(0, (byte) ~b.get(0)).rewind();
      ch.write(b, flipAt);
    }
    cluster.dc(1).recorder().clear();
    Path done = fetcher(FetchOptions.builder()).download(file()).toPath(target).get(60, TimeUnit.SECONDS);
    assertThat(Sha.of(done)).as("the resumed file").isEqualTo(expectedSha());
    List<Long> offsets = new ArrayList<>();
    RecordedRequest r;
    while ((r = cluster.dc(1).recorder().takeRequest(Duration.ZERO)) != null) {
      if (r.method() instanceof GetFile g) {
        offsets.add(g.offset());
      }
    }
    assertThat(offsets).as("the damaged part was fetched again").contains(10L * MIB);
    assertThat(offsets).as("the other saved parts were not").doesNotContain(0L, 9L * MIB, 11L * MIB);
  }
}
