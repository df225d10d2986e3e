package io.telefetch.mtproto.client;

import io.telefetch.TelefetchException;

/**
 * A login cannot go on: the account needs a sign-up ({@link SignUpRequiredException}), the server
 * asks for a step Telefetch does not implement (payment, an unknown password KDF), or a 2FA password
 * is needed and the login supplies none. Wrong codes and passwords are {@link
 * PhoneCodeInvalidException} and {@link PasswordHashInvalidException} (rpc errors).
 */
public class LoginException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception that says why the login stopped. */
  public LoginException(String message) {
    super(message);
  }
}
