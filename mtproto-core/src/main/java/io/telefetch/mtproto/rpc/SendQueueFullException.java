package io.telefetch.mtproto.rpc;


/**
 * Backpressure: the connection already holds as many unsent requests (or bytes of them) as its
 * options allow, typically because the server stopped reading. The request was not queued and
 * never left; it is safe to retry later or on another connection.
 */
public final class SendQueueFullException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  public SendQueueFullException(String message) {
    super(message);
  }
}
