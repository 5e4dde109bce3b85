// Every Redis key name Kefu builds for one conversation, in one place. On Redis Cluster a key's
// slot is the hash of its "hash tag", the text between the first "{" and the next "}"
// (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags). Putting
// the conversation key in braces sends its session, its line and its push mailbox to the same slot,
// so one Lua script or MULTI may touch them all (Cluster refuses a script whose keys span slots).
// On a single Redis the braces are just characters of the name.

/**
 * The hash tag of one conversation, e.g. "{webchat:3f9a}". A brace inside the key would end or
 * empty the tag (an empty tag "{}" hashes the whole name, splitting the conversation over slots),
 * so "%", "{" and "}" are percent-encoded; other keys are kept as they are.
 */
export function conversationTag(conversationKey: string): string {
  return `{${conversationKey.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}

/** "<prefix>session:{<conversation>}": the conversation's memory between messages. */
export function sessionKey(prefix: string, conversationKey: string): string {
  return `${prefix}session:${conversationTag(conversationKey)}`;
}

/** "<prefix>line:{<conversation>}": the conversation's ticket line. */
export function lineKey(prefix: string, conversationKey: string): string {
  return `${prefix}line:${conversationTag(conversationKey)}`;
}

/** "<prefix>push:{<key>}": a push mailbox's stream (the key is the conversation's). */
export function pushStreamKey(prefix: string, mailboxKey: string): string {
  return `${prefix}push:${conversationTag(mailboxKey)}`;
}

/**
 * The tag for keys shared by the whole deployment that one script touches together (an inbox and
 * its seen marks, the open-conversations set and its quiet index): one slot for the lot. These are
 * few and small; the per-conversation keys carry the load and spread over every shard.
 */
export function sharedTag(name: string): string {
  return conversationTag(name);
}

/**
 * "<prefix>channel:{<channel>}:": the start of a marketplace channel's inbox, dead-letter stream and
 * seen marks, which its enqueue script touches together, so the channel's name is their hash tag.
 */
export function channelKeyBase(prefix: string, channel: string): string {
  return `${prefix}channel:${sharedTag(channel)}:`;
}

/** "<prefix>turn:{<conversation>}:<message id>": one buyer message's claim, then its stored answer. */
export function turnKey(prefix: string, conversationKey: string, messageId: string): string {
  return `${prefix}turn:${conversationTag(conversationKey)}:${messageId}`;
}

/** "<prefix>seq:{<conversation>}": the highest sender's number (InboundMessage.sequence) begun in the conversation. */
export function sequenceKey(prefix: string, conversationKey: string): string {
  return `${prefix}seq:${conversationTag(conversationKey)}`;
}
