package io.telefetch.examples.cli;

import java.util.Objects;

/**
 * An app's api_id and api_hash (from https://my.telegram.org).
 *
 * @param apiId the api_id
 * @param apiHash the api_hash
 */
public record ApiCredentials(int apiId, String apiHash) {
  public ApiCredentials {
    Objects.requireNonNull(apiHash, "apiHash");
  }

  /** Never shows the api_hash. */
  @Override
  public String toString() {
    return "ApiCredentials[" + apiId + ", api_hash ***]";
  }
}
