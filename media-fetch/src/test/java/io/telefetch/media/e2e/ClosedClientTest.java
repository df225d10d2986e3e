package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.telefetch.TelefetchException;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.ClientClosedException;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.Faults;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.help.GetConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed client fails calls, logins and downloads with {@link ClientClosedException} and its one
 * message, whether they start after the close or were waiting on the server when it happened
 * (testkit's blackhole fault holds them there, so the timing is the test's, not a race's).
 */
class ClosedClientTest {
  private static final int MIB = 1 << 20;

  private static TestCluster cluster;
  private static WorldUser bot;
  private static WorldChannel channel;
  private static WorldMessage post;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
    World world = cluster.world();
    bot = world.bot("closed_bot").dc(1).create();
    channel = world.channel("closed_test").dc(1).create();
    post = world.post(channel).media(world.document("closed.bin", FileContent.seeded(5, 4L * MIB)).dc(1).create())
        .create();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @AfterEach
  void healthy() {
    cluster.dc(1).faults().clearBlackholes();
  }

  private static TelegramClient client() {
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
    }
    TelegramClient client = TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(options)).serverKeys(cluster.serverKeys()).mainDc(1).downloadConnections(2)
        .callTimeout(Duration.ofHours(1)) // a swallowed call waits until the client closes
        .build();
    client.login(Login.botToken(bot.botToken().orElseThrow())).join();
    return client;
  }

  /** The failure of {@code f} (bounded wait), without CompletionException/ExecutionException wrappers. */
  private static Throwable failure(CompletableFuture<?> f) {
    Throwable t = catchThrowable(() -> f.get(30, TimeUnit.SECONDS));
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static void assertClosed(Throwable t) {
    assertThat(t).isInstanceOf(ClientClosedException.class).isInstanceOf(TelefetchException.class)
        .hasMessage(ClientClosedException.MESSAGE);
  }

  /** Waits (bounded) until the server swallowed {@code n} more calls than {@code before}. */
  private static void awaitSwallowed(Faults faults, long before, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (faults.swallowedCalls() - before < n) {
      assertThat(System.nanoTime()).as("the server never received the call").isLessThan(deadline);
      Thread.sleep(5); // waits for real I/O (the call reaching the server), not for protocol time
    }
  }

  @Test
  void callsLoginsAndDownloadsAfterCloseFailWithClientClosed() {
    TelegramClient client = client();
    MediaFile file = Fixture.file(client, channel, post.id());
    client.close();

    assertClosed(failure(client.invoke(new GetConfig())));
    assertClosed(failure(client.invoke(1, new GetConfig())));
    assertClosed(failure(client.dc(1).invoke(new GetConfig())));
    assertClosed(failure(client.login(Login.botToken(bot.botToken().orElseThrow()))));
    assertClosed(failure(client.self()));
    assertClosed(failure(MediaFetcher.create(client).download(file).toPath(dir.resolve("after.bin"))));
    assertThat(dir.resolve("after.bin")).doesNotExist();
  }

  @Test
  void aCallWaitingOnTheServerWhenTheClientClosesFailsWithClientClosed() throws Exception {
    TelegramClient client = client();
    Faults faults = cluster.dc(1).faults();
    long before = faults.swallowedCalls();
    faults.blackhole("help.getConfig", 8);
    CompletableFuture<?> call = client.invoke(new GetConfig());
    awaitSwallowed(faults, before, 1);
    assertThat(call).isNotDone();
    client.close();

    Throwable t = failure(call);
    assertClosed(t);
    assertThat(t.getCause()).as("what the closing connection reported").isInstanceOf(ConnectionClosedException.class);
    assertThat(((ConnectionClosedException) t.getCause()).requestSent()).isTrue();
  }

  @Test
  void aDownloadWaitingOnTheServerWhenTheClientClosesFailsWithClientClosed() throws Exception {
    TelegramClient client = client();
    MediaFile file = Fixture.file(client, channel, post.id());
    Faults faults = cluster.dc(1).faults();
    long before = faults.swallowedCalls();
    faults.blackhole("upload.getFile", 8);
    Path target = dir.resolve("during.bin");
    CompletableFuture<?> download = MediaFetcher.create(client).download(file).toPath(target);
    awaitSwallowed(faults, before, 1);
    assertThat(download).isNotDone();
    client.close();

    assertClosed(failure(download));
    assertThat(target).doesNotExist();
  }
}
