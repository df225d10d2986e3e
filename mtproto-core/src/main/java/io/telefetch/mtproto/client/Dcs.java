package io.telefetch.mtproto.client;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The client's {@link DcState}s, created on first use. */
final class Dcs {
  private final ClientOptions options;
  private final Connector connector;
  private final DcDirectory directory;
  private final SessionKeeper session;
  private final ConcurrentMap<Integer, DcState> states = new ConcurrentHashMap<>();

  Dcs(ClientOptions options, Connector connector, DcDirectory directory, SessionKeeper session) {
    this.options = options;
    this.connector = connector;
    this.directory = directory;
    this.session = session;
  }

  /**
   * DC {@code id}'s state.
   *
   * @throws io.telefetch.mtproto.rpc.ProtocolViolationException when {@code id} was used before as a
   *     CDN DC and now is not, or the other way round (a server mixed them up)
   */
  DcState get(int id, boolean cdn) {
    if (id <= 0) {
      throw new IllegalArgumentException("bad DC id " + id);
    }
    DcState s = states.computeIfAbsent(id, i -> new DcState(i, cdn, options, connector, directory, session));
    if (s.cdn != cdn) {
      // a server named a main DC as a CDN DC (a CDN redirect) or the other way round
      throw new io.telefetch.mtproto.rpc.ProtocolViolationException(
          "DC " + id + (s.cdn ? " is a CDN DC" : " is not a CDN DC"));
    }
    return s;
  }

  /** Where DC addresses come from. */
  DcDirectory directory() {
    return directory;
  }

  /** DC {@code id}'s state if it exists. */
  DcState peek(int id) {
    return states.get(id);
  }

  List<DcState> all() {
    return List.copyOf(states.values());
  }
}
