package io.telefetch.testkit.launcher;

import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.KeyState;
import io.telefetch.tl.TlMethod;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The launcher's {@code --guest-access}: lets clients that never logged in read public channels
 * and download, by answering their read-only calls as a guest account. Calls on a key bound to a
 * user, login calls ({@code auth.*}, {@code account.*}) and everything else go to the delegate
 * unchanged; the key itself stays logged out.
 *
 * <p>Real Telegram requires a login for all of these; this exists for foreign clients and scripts
 * that only want to fetch files.
 */
final class GuestAccess implements ApiHandler {
  /** Read-only methods answered for logged-out keys (plus every {@code upload.*} method). */
  static final Set<String> METHODS = Set.of(
      "contacts.resolveUsername", "channels.getChannels", "channels.getMessages", "channels.getFullChannel",
      "messages.getMessages", "messages.getHistory", "messages.getDiscussionMessage", "messages.getReplies",
      "messages.checkChatInvite", "messages.getForumTopicsByID", "channels.getForumTopicsByID",
      "stories.getStoriesByID", "updates.getState");

  private final ApiHandler delegate;
  private final long guestUserId;

  GuestAccess(ApiHandler delegate, long guestUserId) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.guestUserId = guestUserId;
  }

  static boolean served(String tlName) {
    return tlName.startsWith("upload.") || METHODS.contains(tlName);
  }

  @Override
  public CompletableFuture<Object> handle(CallContext ctx, TlMethod<?> method) {
    if (ctx.key().userId() != 0 || !served(method.tlName())) {
      return delegate.handle(ctx, method);
    }
    KeyState guest = new KeyState(ctx.key().authKey());
    guest.bindUser(guestUserId);
    return delegate.handle(new CallContext(ctx.dc(), guest, ctx.sessionId(), ctx.msgId(), ctx.connectionId(), ctx.layer()),
        method);
  }
}
