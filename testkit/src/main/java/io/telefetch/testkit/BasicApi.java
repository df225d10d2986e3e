package io.telefetch.testkit;

import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RpcError;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.DcOption;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The minimal API every cluster serves: help.getConfig and help.getNearestDc. */
final class BasicApi implements ApiHandler {
  private final TestCluster cluster;

  BasicApi(TestCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public CompletableFuture<Object> handle(CallContext ctx, TlMethod<?> method) {
    if (method instanceof GetConfig) {
      return CompletableFuture.completedFuture(config(ctx.dc()));
    }
    if (method instanceof GetNearestDc) {
      return CompletableFuture.completedFuture(new NearestDc("ZZ", ctx.dc().id(), ctx.dc().id()));
    }
    throw new RpcError(400, "METHOD_INVALID");
  }

  /** help.getConfig as Telegram answers it, listing every DC of the cluster. */
  Config config(DcServer thisDc) {
    List<io.telefetch.tl.api.DcOptionType> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      options.add(DcOption.builder().id(dc.id()).ipAddress(dc.host()).port(dc.port())
          .mediaOnly(dc.mediaOnly()).cdn(dc.cdn()).build());
    }
    int now = (int) (cluster.clock().millis() / 1000);
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
