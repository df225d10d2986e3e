package io.telefetch;

/**
 * The root of every error Telefetch reports at run time: catch this to catch them all.
 *
 * <p>Failures of a call, a connection, a key exchange, a download or a link arrive as subtypes of this
 * class (usually as the cause of a failed {@code CompletableFuture}'s {@code
 * ExecutionException}/{@code CompletionException}). Programmer errors found while building options
 * (a null or out-of-range argument) stay {@link NullPointerException} and {@link
 * IllegalArgumentException}, as in the JDK.
 */
public abstract class TelefetchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected TelefetchException(String message) {
    super(message);
  }

  protected TelefetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
