package io.telefetch.mtproto.client;

import io.telefetch.tl.api.ApiSchema;
import java.util.Objects;

/**
 * Who the client says it is: the app's api_id and api_hash from my.telegram.org, the device, system
 * and app versions and the language codes of {@code initConnection}, and the API layer of {@code
 * invokeWithLayer}. Immutable; {@link #toString()} never shows the api_hash.
 */
public final class AppIdentity {
  private final int apiId;
  private final String apiHash;
  private final String deviceModel;
  private final String systemVersion;
  private final String appVersion;
  private final String systemLangCode;
  private final String langPack;
  private final String langCode;
  private final int layer;

  private AppIdentity(Builder b) {
    this.apiId = b.apiId;
    this.apiHash = b.apiHash;
    this.deviceModel = b.deviceModel;
    this.systemVersion = b.systemVersion;
    this.appVersion = b.appVersion;
    this.systemLangCode = b.systemLangCode;
    this.langPack = b.langPack;
    this.langCode = b.langCode;
    this.layer = b.layer;
  }

  /** A builder with the defaults: this machine's device and system, "en", the generated schema's layer. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this identity. */
  public Builder newBuilder() {
    return new Builder().apiId(apiId).apiHash(apiHash).deviceInfo(deviceModel, systemVersion, appVersion)
        .langInfo(systemLangCode, langPack, langCode).layer(layer);
  }

  public int apiId() {
    return apiId;
  }

  /** The secret api_hash; never logged. */
  public String apiHash() {
    return apiHash;
  }

  public String deviceModel() {
    return deviceModel;
  }

  public String systemVersion() {
    return systemVersion;
  }

  public String appVersion() {
    return appVersion;
  }

  public String systemLangCode() {
    return systemLangCode;
  }

  public String langPack() {
    return langPack;
  }

  public String langCode() {
    return langCode;
  }

  /** The API layer sent in {@code invokeWithLayer}. */
  public int layer() {
    return layer;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AppIdentity x && x.apiId == apiId && x.apiHash.equals(apiHash)
        && x.deviceModel.equals(deviceModel) && x.systemVersion.equals(systemVersion)
        && x.appVersion.equals(appVersion) && x.systemLangCode.equals(systemLangCode)
        && x.langPack.equals(langPack) && x.langCode.equals(langCode) && x.layer == layer;
  }

  @Override
  public int hashCode() {
    return Objects.hash(apiId, apiHash, deviceModel, systemVersion, appVersion, systemLangCode, langPack, langCode,
        layer);
  }

  /** Never shows the api_hash. */
  @Override
  public String toString() {
    return "AppIdentity[apiId=" + apiId + ", apiHash=" + Masks.secret(apiHash) + ", " + appVersion + " on "
        + deviceModel + " / " + systemVersion + ", lang=" + langCode + ", layer=" + layer + "]";
  }

  /** Builds an {@link AppIdentity}; api_id and api_hash are required. */
  public static final class Builder {
    private int apiId;
    private String apiHash;
    private String deviceModel = System.getProperty("os.arch", "unknown") + " Java";
    private String systemVersion = System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", "");
    private String appVersion = "Telefetch 0.1.0";
    private String systemLangCode = "en";
    private String langPack = "";
    private String langCode = "en";
    private int layer = ApiSchema.LAYER;

    Builder() {}

    /** The app's api_id from my.telegram.org. Required, positive. */
    public Builder apiId(int apiId) {
      this.apiId = apiId;
      return this;
    }

    /** The app's api_hash from my.telegram.org. Required. */
    public Builder apiHash(String apiHash) {
      this.apiHash = Objects.requireNonNull(apiHash, "apiHash");
      return this;
    }

    /** Device and app information sent in initConnection. */
    public Builder deviceInfo(String deviceModel, String systemVersion, String appVersion) {
      this.deviceModel = Objects.requireNonNull(deviceModel, "deviceModel");
      this.systemVersion = Objects.requireNonNull(systemVersion, "systemVersion");
      this.appVersion = Objects.requireNonNull(appVersion, "appVersion");
      return this;
    }

    /** Language information sent in initConnection (defaults "en", "", "en"). */
    public Builder langInfo(String systemLangCode, String langPack, String langCode) {
      this.systemLangCode = Objects.requireNonNull(systemLangCode, "systemLangCode");
      this.langPack = Objects.requireNonNull(langPack, "langPack");
      this.langCode = Objects.requireNonNull(langCode, "langCode");
      return this;
    }

    /** The API layer sent in invokeWithLayer (default: the generated schema's). */
    public Builder layer(int layer) {
      this.layer = layer;
      return this;
    }

    /** Whether both required values are set (the client builder reports them missing first). */
    boolean complete() {
      return apiId != 0 && apiHash != null;
    }

    /**
     * The identity.
     *
     * @throws IllegalArgumentException naming the field: apiId not positive, apiHash missing or
     *     blank, layer not positive
     */
    public AppIdentity build() {
      if (apiId <= 0) {
        throw new IllegalArgumentException("apiId must be positive: " + apiId);
      }
      if (apiHash == null || apiHash.isBlank()) {
        throw new IllegalArgumentException("apiHash is required");
      }
      if (layer <= 0) {
        throw new IllegalArgumentException("layer must be positive: " + layer);
      }
      return new AppIdentity(this);
    }
  }
}
