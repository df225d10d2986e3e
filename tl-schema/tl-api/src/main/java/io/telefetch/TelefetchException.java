package io.telefetch;

/**
 * The root of every error Telefetch reports at run time: catch this to catch them all.
 *
 * <p>Failures of a call, a connection, a key exchange, a login, a download or a link arrive as
 * subtypes of this class, usually as the cause of a failed {@code CompletableFuture}'s {@code
 * ExecutionException}/{@code CompletionException}. The tree has a few branches to catch by kind:
 *
 * <ul>
 *   <li>{@code mtproto.rpc.RpcException}: the server answered with an {@code rpc_error} (flood
 *       waits, migrations, 401s and the rest, with code and message);
 *   <li>{@code mtproto.rpc.ConnectionException}: the connection closed or broke, no answer came in
 *       time, the send queue was full; says whether the request may have been sent;
 *   <li>{@code mtproto.rpc.SecurityCheckException}: something received failed a cryptographic, key
 *       exchange or message check, and the connection was closed;
 *   <li>{@code mtproto.rpc.ProtocolViolationException}: the server sent something the protocol
 *       does not allow there;
 *   <li>{@code mtproto.client.ClientClosedException}: the client is closed (one fixed message);
 *   <li>{@code mtproto.client.LoginException}, and the client's other typed failures (session
 *       store, unknown DC, logged out, migration loop);
 *   <li>{@code media.DownloadException}: hash mismatch, no media, message not found, disk errors,
 *       a stalled download;
 *   <li>the link errors of {@code io.telefetch.link} (parse, preview) and {@link
 *       io.telefetch.tl.TlDecodeException} for bytes that are not valid TL.
 * </ul>
 *
 * <p>The rule for JDK exception types: a run-time failure, anything the network, a peer, the disk,
 * the clock or the client's life cycle can cause, is always a {@code TelefetchException}, and so is
 * a failure of a checked JDK API that reaches a user through a future (an {@code IOException}
 * becomes the cause of an unchecked subtype such as {@code media.DownloadIOException}). A
 * programmer error stays a JDK type, as in the JDK itself: a null argument ({@link
 * NullPointerException}) or an invalid one ({@link IllegalArgumentException}) given to a builder,
 * an options value or a method, and an internal API driven in a state that does not allow the call
 * ({@link IllegalStateException}). An {@code InputStream} keeps {@code IOException}, as its
 * contract says. The examples module's {@code ApiBoundaryTest} enforces the rule.
 */
public abstract class TelefetchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected TelefetchException(String message) {
    super(message);
  }

  protected TelefetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
