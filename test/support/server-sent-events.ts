// Reading a Server-Sent Events response the way a browser's EventSource does: blocks separated by
// a blank line, `event:`, `id:` and `data:` fields, comments and keep-alives skipped. Shared by the
// tests that watch a web chat page's push stream.

export interface ServerSentEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** One block of lines, or null when it carries no data (a comment, a keep-alive, a retry hint). */
export function parseServerSentEvent(block: string): ServerSentEvent | null {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') {
      data.push(value);
      hasData = true;
    }
  }
  return hasData ? { event, id, data: data.join('\n') } : null;
}

/**
 * The events of a response body as they arrive; `onChunk` runs after each chunk read (to wake a
 * waiter). Ends when the body ends or is aborted; never throws.
 */
export async function readServerSentEvents(
  response: Response,
  onEvent: (event: ServerSentEvent) => void,
  onChunk: () => void = () => {},
): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseServerSentEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) onEvent(event);
      }
      onChunk();
    }
  } catch {
    // aborted by the reader's owner, or the server went away
  }
}
