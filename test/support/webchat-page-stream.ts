// A buyer's open web chat page, as far as pushed replies go: GET /webchat/events read with fetch
// streaming. Collects every "replies" event's texts; tests wait for a text with `until`.

import type { Reply } from '../../dialogs/messages.ts';
import { readServerSentEvents } from './server-sent-events.ts';

export class WebchatPageStream {
  /** Texts of every pushed reply, oldest first. */
  readonly texts: string[] = [];
  private readonly controller = new AbortController();
  private ready!: Promise<void>;

  static async open(baseUrl: string, conversationId: string): Promise<WebchatPageStream> {
    const page = new WebchatPageStream();
    const response = await fetch(`${baseUrl}/webchat/events?${new URLSearchParams({ conversationId })}`, {
      headers: { accept: 'text/event-stream' },
      signal: page.controller.signal,
    });
    if (response.status !== 200) throw new Error(`GET /webchat/events answered ${response.status}`);
    let markReady!: () => void;
    page.ready = new Promise((resolve) => (markReady = resolve));
    void page.pump(response, markReady);
    await page.ready;
    return page;
  }

  private async pump(response: Response, markReady: () => void): Promise<void> {
    await readServerSentEvents(response, ({ event, data }) => {
      if (event === 'ready') markReady();
      if (event === 'replies') this.texts.push(...(JSON.parse(data) as { replies: Reply[] }).replies.map((r) => r.text));
    });
  }

  /** Waits until a pushed text satisfies `check` (a generous limit, polled; never a timed assertion). */
  async until(what: string, check: (text: string) => boolean, ms = 20_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.texts.find(check);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`the page got no push for ${what}; it has: ${JSON.stringify(this.texts)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.controller.abort();
  }
}
