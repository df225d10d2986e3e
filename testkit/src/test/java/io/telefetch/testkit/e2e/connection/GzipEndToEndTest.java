package io.telefetch.testkit.e2e.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RecordedRequest;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.DcOption;
import io.telefetch.tl.api.DcOptionType;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.upload.SaveFilePart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** gzip_packed both ways: large answers from the DC are inflated, large requests leave packed. */
class GzipEndToEndTest {
  private static final int OPTIONS = 400;
  private static TestCluster cluster;
  private static NioEventLoopGroup group;

  /** help.getConfig listing {@code OPTIONS} DC options: well over the server's 4 KiB gzip threshold. */
  static Config bigConfig() {
    List<DcOptionType> options = new ArrayList<>();
    for (int i = 0; i < OPTIONS; i++) {
      options.add(DcOption.builder().id(1 + i % 5).ipAddress("10.0." + (i / 250) + "." + (i % 250)).port(443).build());
    }
    int now = (int) (System.currentTimeMillis() / 1000);
    return Config.builder()
        .date(now).expires(now + 3600).testMode(false).thisDc(1).dcOptions(options)
        .dcTxtDomainName("localhost").chatSizeMax(200).megagroupSizeMax(200000).forwardedCountMax(100)
        .onlineUpdatePeriodMs(210000).offlineBlurTimeoutMs(5000).offlineIdleTimeoutMs(30000)
        .onlineCloudTimeoutMs(300000).notifyCloudDelayMs(30000).notifyDefaultDelayMs(1500)
        .pushChatPeriodMs(60000).pushChatLimit(2).editTimeLimit(172800).revokeTimeLimit(2147483647)
        .revokePmTimeLimit(2147483647).ratingEDecay(2419200).stickersRecentLimit(200).channelsReadMediaPeriod(604800)
        .callReceiveTimeoutMs(20000).callRingTimeoutMs(90000).callConnectTimeoutMs(30000)
        .callPacketTimeoutMs(10000).meUrlPrefix("https://t.me/").captionLengthMax(1024).messageLengthMax(4096)
        .webfileDcId(1).build();
  }

  static int serializedSize(Config c) {
    ByteBuf b = Unpooled.buffer();
    try {
      c.write(new TlWriter(b));
      return b.readableBytes();
    } finally {
      b.release();
    }
  }

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).apiHandler(c -> (ctx, method) -> {
      if (method instanceof GetConfig) {
        return CompletableFuture.completedFuture(bigConfig());
      }
      if (method instanceof SaveFilePart) {
        return CompletableFuture.completedFuture(Boolean.TRUE);
      }
      return c.api().handle(ctx, method);
    }).build().start();
    group = new NioEventLoopGroup(1);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    cluster.close();
  }

  @Test
  void largeAnswersArriveGzipPackedAndAreInflated() throws Exception {
    DcServer dc = cluster.dc(1);
    int raw = serializedSize(bigConfig());
    assertThat(raw).isGreaterThan(8192);
    try (MtprotoConnection c = Engine.connect(Engine.options(cluster, dc, group))) {
      c.invoke(new io.telefetch.tl.api.help.GetNearestDc()).get(5, TimeUnit.SECONDS);
      // the session is set up (new_session_created, salt) by now, and the server writes nothing
      // unasked: what it sends from here on answers GetConfig (acks of ours never draw an answer)
      long before = dc.bytesSent();
      Config config = (Config) c.invoke(new GetConfig()).get(5, TimeUnit.SECONDS);
      long sent = dc.bytesSent() - before;
      assertThat(config.dcOptions()).hasSize(OPTIONS);
      assertThat(((DcOption) config.dcOptions().get(OPTIONS - 1)).ipAddress()).isEqualTo("10.0.1.149");
      assertThat(sent).as("bytes on the wire for a %d-byte answer", raw).isLessThan(raw / 2);
    }
  }

  @Test
  void largeRequestsLeaveGzipPacked() throws Exception {
    DcServer dc = cluster.dc(1);
    byte[] compressible = new byte[256 << 10];
    for (int i = 0; i < compressible.length; i++) {
      compressible[i] = (byte) (i % 7);
    }
    Engine.WrittenBytes counter = new Engine.WrittenBytes();
    try (MtprotoConnection c = Engine.connect(Engine.options(cluster, dc, group)
        .pipelineCustomizer(p -> p.addLast("count-written", counter)))) {
      c.invoke(new io.telefetch.tl.api.help.GetNearestDc()).get(5, TimeUnit.SECONDS);
      dc.recorder().clear();
      long before = counter.bytes.get();
      assertThat(c.invoke(new SaveFilePart(1, 0, TlBytes.wrap(compressible))).get(5, TimeUnit.SECONDS)).isTrue();
      long written = counter.bytes.get() - before;
      assertThat(written).as("bytes written for a 256 KiB compressible part").isLessThan(16 << 10);
      RecordedRequest r = dc.recorder().takeRequest(Duration.ofSeconds(5));
      assertThat(((SaveFilePart) r.method()).bytes().toByteArray()).isEqualTo(compressible);

      // incompressible content goes as it is
      byte[] noise = new byte[64 << 10];
      new Random(1).nextBytes(noise);
      before = counter.bytes.get();
      assertThat(c.invoke(new SaveFilePart(1, 1, TlBytes.wrap(noise))).get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(counter.bytes.get() - before).isGreaterThan(noise.length);
      assertThat(((SaveFilePart) dc.recorder().takeRequest(Duration.ofSeconds(5)).method()).bytes().toByteArray())
          .isEqualTo(noise);
    }
  }

  @Test
  void gzipCanBeTurnedOff() throws Exception {
    DcServer dc = cluster.dc(1);
    byte[] zeros = new byte[64 << 10];
    Engine.WrittenBytes counter = new Engine.WrittenBytes();
    try (MtprotoConnection c = Engine.connect(Engine.options(cluster, dc, group).gzipThreshold(Integer.MAX_VALUE)
        .pipelineCustomizer(p -> p.addLast("count-written", counter)))) {
      long before = counter.bytes.get();
      assertThat(c.invoke(new SaveFilePart(2, 0, TlBytes.wrap(zeros))).get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(counter.bytes.get() - before).isGreaterThan(zeros.length);
    }
  }
}
