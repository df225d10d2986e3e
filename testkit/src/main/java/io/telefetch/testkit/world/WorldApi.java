package io.telefetch.testkit.world;

import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RpcError;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.CdnConfig;
import io.telefetch.tl.api.CdnPublicKey;
import io.telefetch.tl.api.CdnPublicKeyType;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.DcOption;
import io.telefetch.tl.api.DcOptionType;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetCdnConfig;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.updates.DifferenceEmpty;
import io.telefetch.tl.api.updates.GetDifference;
import io.telefetch.tl.api.updates.GetState;
import io.telefetch.tl.api.updates.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The API of the in-process Telegram, answered from the cluster's {@link World}: what every DC
 * (and its media-only options) of a {@link TestCluster} serves by default.
 *
 * <p>Served: {@code help.getConfig} (dc_options with media-only and CDN entries), {@code
 * help.getNearestDc}, {@code help.getCdnConfig}, {@code updates.getState}, {@code
 * updates.getDifference} (always empty); {@code
 * auth.importBotAuthorization}, {@code auth.sendCode}, {@code auth.signIn}, {@code
 * account.getPassword}, {@code auth.checkPassword} (SRP), {@code auth.exportLoginToken}, {@code
 * auth.importLoginToken}, {@code auth.exportAuthorization}, {@code auth.importAuthorization},
 * {@code auth.logOut}; {@code users.getUsers}, {@code contacts.resolveUsername}, {@code
 * channels.getChannels}, {@code channels.getMessages}, {@code messages.getMessages}, {@code
 * messages.getHistory}, {@code messages.getDiscussionMessage}, {@code messages.getReplies}, {@code
 * messages.checkChatInvite}, {@code messages.getForumTopicsByID}, {@code
 * channels.getForumTopicsByID}, {@code stories.getStoriesByID}, {@code messages.getDialogs} ({@code
 * messages.checkChatInvite}, {@code stories.getStoriesByID} and {@code messages.getDialogs} are for
 * users only, as on Telegram: bots get {@code BOT_METHOD_INVALID}; bots may name channels with
 * access hash 0 instead, as Telegram lets them); {@code upload.getFile} (documents, photos and channel profile photos), {@code upload.getFileHashes}, {@code
 * upload.reuploadCdnFile}, {@code upload.getCdnFileHashes}. The CDN DC serves only {@code
 * upload.getCdnFile} ({@link #cdnHandler()}). Anything else answers {@code 400 METHOD_INVALID}.
 * Calls that need a logged-in key answer {@code 401 AUTH_KEY_UNREGISTERED} before login.
 *
 * <p>To change or add behaviour, install a handler that delegates here: {@code
 * TestCluster.builder().apiHandler(c -> (ctx, m) -> m instanceof X ? ... :
 * c.api().handle(ctx, m))}.
 */
public final class WorldApi implements ApiHandler {
  private final TestCluster cluster;
  private final World world;
  private final AuthApi auth;
  private final ContentApi content;
  private final FileApi files;
  private final CdnApi cdn;

  /** The API of {@code cluster}'s world. */
  public WorldApi(TestCluster cluster) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.world = cluster.world();
    this.auth = new AuthApi(cluster, world);
    this.content = new ContentApi(world);
    this.files = new FileApi(cluster, world);
    this.cdn = new CdnApi(world);
  }

  /** The handler of the cluster's CDN DC: {@code upload.getCdnFile} only. */
  public ApiHandler cdnHandler() {
    return cdn;
  }

  @Override
  public CompletableFuture<Object> handle(CallContext ctx, TlMethod<?> method) {
    try {
      Object result = auth.handle(ctx, method);
      if (result == null) {
        result = content.handle(ctx, method);
      }
      if (result == null) {
        result = files.handle(ctx, method);
      }
      if (result == null) {
        result = help(ctx, method);
      }
      if (result == null) {
        throw new RpcError(400, "METHOD_INVALID");
      }
      if (result instanceof CompletableFuture<?> f) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> async = (CompletableFuture<Object>) f;
        return async;
      }
      return CompletableFuture.completedFuture(result);
    } catch (RpcError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Object help(CallContext ctx, TlMethod<?> method) {
    if (method instanceof GetConfig) {
      return config(ctx.dc());
    }
    if (method instanceof GetNearestDc) {
      return new NearestDc("ZZ", ctx.dc().id(), ctx.dc().id());
    }
    if (method instanceof GetCdnConfig) {
      List<CdnPublicKeyType> keys = new ArrayList<>();
      cluster.cdnDc().ifPresent(dc -> keys.add(new CdnPublicKey(dc.id(),
          cluster.cdnRsaKey().orElseThrow().publicKey().toPem())));
      return new CdnConfig(keys);
    }
    if (method instanceof GetState) {
      Errors.requireUser(ctx, world);
      return new State(1, 0, world.now(), 1, 0);
    }
    if (method instanceof GetDifference) {
      // nothing ever happens after getState's state (mtcute asks right after its login)
      Errors.requireUser(ctx, world);
      return new DifferenceEmpty(world.now(), 1);
    }
    return null;
  }

  /** help.getConfig as Telegram answers it, listing every DC option of the cluster. */
  Config config(DcServer thisDc) {
    List<DcOptionType> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      options.add(DcOption.builder().id(dc.id()).ipAddress(dc.host()).port(dc.port())
          .mediaOnly(dc.mediaOnly()).cdn(dc.cdn()).build());
    }
    int now = world.now();
    return Config.builder()
        .date(now).expires(now + 3600).testMode(false).thisDc(thisDc.id()).dcOptions(options)
        .dcTxtDomainName("localhost").chatSizeMax(200).megagroupSizeMax(200000).forwardedCountMax(100)
        .onlineUpdatePeriodMs(210000).offlineBlurTimeoutMs(5000).offlineIdleTimeoutMs(30000)
        .onlineCloudTimeoutMs(300000).notifyCloudDelayMs(30000).notifyDefaultDelayMs(1500)
        .pushChatPeriodMs(60000).pushChatLimit(2).editTimeLimit(172800).revokeTimeLimit(2147483647)
        .revokePmTimeLimit(2147483647).ratingEDecay(2419200).stickersRecentLimit(200).channelsReadMediaPeriod(604800)
        .callReceiveTimeoutMs(20000).callRingTimeoutMs(90000).callConnectTimeoutMs(30000)
        .callPacketTimeoutMs(10000).meUrlPrefix("https://t.me/").captionLengthMax(1024).messageLengthMax(4096)
        .webfileDcId(thisDc.id()).build();
  }
}
