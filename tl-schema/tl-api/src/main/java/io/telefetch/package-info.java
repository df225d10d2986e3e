/** What every Telefetch module shares: the root of the exception tree, {@link io.telefetch.TelefetchException}. */
@NullMarked
package io.telefetch;

import org.jspecify.annotations.NullMarked;
