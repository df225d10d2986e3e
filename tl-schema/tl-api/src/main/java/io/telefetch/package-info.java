/** What every Telefetch module shares: the root of the exception tree, {@link io.telefetch.TelefetchException}. */
package io.telefetch;
