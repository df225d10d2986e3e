package io.telefetch.mtproto.client;

import io.telefetch.tl.api.UpdatesType;

/**
 * Receives the updates the server pushes ({@code updateShort}, {@code updates}, {@code
 * updatesTooLong}...) on any connection to a non-CDN DC. Called on the client's callback executor,
 * one update at a time per connection, in the order received; it must not block for long. Updates
 * from a CDN DC are never delivered.
 *
 * <p>Each connection holds at most a bounded number of updates for a slow listener (see {@link
 * io.telefetch.mtproto.connection.ConnectionOptions.Builder#maxQueuedUpdates}); past that, the
 * oldest waiting updates are dropped and an {@code updatesTooLong} is delivered in their place,
 * exactly as when Telegram itself has too many updates for the client: fetch what was missed with
 * {@code updates.getDifference}. Updates never hold zero-copy buffers: nothing to release.
 */
@FunctionalInterface
public interface UpdateListener {
  /**
   * @param dcId the DC whose connection carried the update
   * @param updates the update as received
   */
  void onUpdate(int dcId, UpdatesType updates);
}
