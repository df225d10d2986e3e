package io.telefetch.testkit.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.auth.ExportAuthorization;
import io.telefetch.tl.api.auth.ExportedAuthorization;
import io.telefetch.tl.api.auth.ImportAuthorization;
import io.telefetch.tl.api.auth.ImportBotAuthorization;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.InputDocumentFileLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Client connections to a test cluster, with login helpers; closes everything it opened. */
final class Clients implements AutoCloseable {
  static final int MIB = 1 << 20;

  final TestCluster cluster;
  private final NioEventLoopGroup group = new NioEventLoopGroup(2);
  private final List<MtprotoConnection> opened = new ArrayList<>();

  Clients(TestCluster cluster) {
    this.cluster = cluster;
  }

  private ConnectionOptions.Builder options(DcServer dc, RsaKeys keys) {
    return ConnectionOptions.builder(dc.host(), dc.port()).dcId(dc.mediaOnly() ? -dc.id() : dc.id()).rsaKeys(keys)
        .eventLoopGroup(group).callTimeout(Duration.ofSeconds(30)).zeroCopyThreshold(Integer.MAX_VALUE);
  }

  /** A new connection (and a new auth key) to {@code dc}. */
  MtprotoConnection connect(DcServer dc) {
    return connect(dc, cluster.rsaKeys());
  }

  MtprotoConnection connect(DcServer dc, RsaKeys keys) {
    return track(MtprotoConnection.connect(options(dc, keys).build()).join());
  }

  /** Another connection to {@code dc} with the auth key of {@code existing} (a new session). */
  MtprotoConnection reuseKey(DcServer dc, MtprotoConnection existing) {
    return track(MtprotoConnection.connect(options(dc, cluster.rsaKeys())
        .authKey(existing.authKey(), existing.serverSalt(), existing.timeOffsetMillis()).build()).join());
  }

  private MtprotoConnection track(MtprotoConnection c) {
    synchronized (opened) {
      opened.add(c);
    }
    return c;
  }

  /** A connection to {@code bot}'s home DC, logged in as {@code bot}. */
  MtprotoConnection loginBot(WorldUser bot) {
    MtprotoConnection c = connect(cluster.dc(bot.dc()));
    call(c, new ImportBotAuthorization(0, 1, "hash", bot.botToken().orElseThrow()));
    return c;
  }

  /** A connection to {@code dc} logged in as the user of {@code home} through export/import authorization. */
  MtprotoConnection transferLogin(MtprotoConnection home, DcServer dc) {
    ExportedAuthorization e = (ExportedAuthorization) call(home, new ExportAuthorization(dc.id()));
    MtprotoConnection c = connect(dc);
    call(c, new ImportAuthorization(e.id(), e.bytes()));
    return c;
  }

  static <R> R call(MtprotoConnection c, TlMethod<R> method) {
    try {
      return c.invoke(method).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The rpc_error {@code method} fails with. */
  static RpcException error(MtprotoConnection c, TlMethod<?> method) {
    Throwable t = catchThrowable(() -> call(c, method));
    assertThat(t).as("error of %s", method.tlName()).isInstanceOf(RpcException.class);
    return (RpcException) t;
  }

  static String errorMessage(MtprotoConnection c, TlMethod<?> method) {
    return error(c, method).errorMessage();
  }

  /** The location of a document's main content with its current file reference. */
  static InputDocumentFileLocation location(World world, WorldDocument d) {
    return new InputDocumentFileLocation(d.id(), d.accessHash(), TlBytes.wrap(world.fileReference(d)), "");
  }

  static byte[] part(MtprotoConnection c, InputDocumentFileLocation location, long offset, int limit) {
    File f = (File) call(c, new GetFile(false, false, location, offset, limit));
    return f.bytes().toByteArray();
  }

  @Override
  public void close() {
    synchronized (opened) {
      for (MtprotoConnection c : opened) {
        c.close();
      }
      opened.clear();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
