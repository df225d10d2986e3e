package io.telefetch.mtproto.client;


/** The phone number has no account yet ({@code auth.authorizationSignUpRequired}); Telefetch does not sign up. */
public final class SignUpRequiredException extends LoginException {
  private static final long serialVersionUID = 1L;

  SignUpRequiredException(String phoneNumber) {
    super("no account for " + Masks.phone(phoneNumber) + ": sign up with an official app first");
  }
}
