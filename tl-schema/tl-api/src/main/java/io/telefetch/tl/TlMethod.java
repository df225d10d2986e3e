package io.telefetch.tl;

/**
 * A TL function (an RPC method) whose answer decodes to {@code R}.
 *
 * @param <R> the Java type of the method's result
 */
public interface TlMethod<R> extends TlObject {

  /** Reads this method's result (boxed, as it appears inside {@code rpc_result}). */
  R readResult(TlReader reader);
}
