package io.telefetch.mtproto.client;

import io.telefetch.tl.api.UpdatesType;

/**
 * Receives the updates the server pushes ({@code updateShort}, {@code updates}, {@code
 * updatesTooLong}...) on any connection to a non-CDN DC. Called on the client's callback executor;
 * it must not block for long. Updates from a CDN DC are never delivered.
 */
@FunctionalInterface
public interface UpdateListener {
  /**
   * @param dcId the DC whose connection carried the update
   * @param updates the update as received
   */
  void onUpdate(int dcId, UpdatesType updates);
}
