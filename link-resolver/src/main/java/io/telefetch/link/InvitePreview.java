package io.telefetch.link;

import java.io.Serializable;

/**
 * What an invite link shows ({@code messages.checkChatInvite}): the chat's title and description,
 * its member count, and the chat itself when the account is already a member (or may peek).
 *
 * @param title the chat's title
 * @param about its description, or null
 * @param participants its member count
 * @param broadcast whether it is a broadcast channel
 * @param megagroup whether it is a supergroup
 * @param chat the chat when the account is a member (chatInviteAlready, chatInvitePeek), else null
 */
public record InvitePreview(String title, String about, int participants, boolean broadcast, boolean megagroup,
    Peer chat) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Whether the account is already a member (the link names the chat itself). */
  public boolean member() {
    return chat != null;
  }
}
