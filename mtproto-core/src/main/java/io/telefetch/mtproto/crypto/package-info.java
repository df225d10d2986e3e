/**
 * The cryptography of MTProto 2.0: AES-256-IGE and AES-256-CTR, the message key and key derivation
 * of encrypted messages, the primitives of auth key creation (RSA_PAD, pq factorisation,
 * Diffie-Hellman checks, the temporary AES key), Telegram's RSA keys and the SRP check of 2FA
 * passwords.
 *
 * <p>Everything here is a pure function over bytes, big integers or Netty buffers; nothing here
 * does I/O. Checks that fail because the peer sent something invalid throw {@link
 * io.telefetch.mtproto.crypto.CryptoCheckException}; secrets are compared in constant time with
 * {@link io.telefetch.mtproto.crypto.ConstantTime}. All classes are thread-safe unless their
 * javadoc says otherwise.
 *
 * @see <a href="https://core.telegram.org/mtproto/description">MTProto 2.0 description</a>
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key</a>
 * @see <a href="https://core.telegram.org/mtproto/security_guidelines">Security guidelines</a>
 */
package io.telefetch.mtproto.crypto;
