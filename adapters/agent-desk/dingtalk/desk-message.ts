// The two kinds of robot message the DingTalk desk sends, and their two wire shapes: the robot
// OpenAPI's msgKey + msgParam (groupMessages/send) and the session webhook's msgtype body.
// DingTalk's actionCard buttons are links; what the links point at is decided by the desk.

export interface DeskButton {
  title: string;
  url: string;
}

export type DeskMessage =
  | { kind: 'markdown'; title: string; text: string }
  | { kind: 'actionCard'; title: string; text: string; buttons: DeskButton[] };

/** DingTalk's sample templates carry at most five buttons (sampleActionCard2 … sampleActionCard5, one is sampleActionCard). */
export const MAX_BUTTONS = 5;

/** msgKey and msgParam (a JSON string) for /v1.0/robot/groupMessages/send. */
export function toOpenApiMessage(message: DeskMessage): { msgKey: string; msgParam: string } {
  if (message.kind === 'markdown') {
    return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: message.title, text: message.text }) };
  }
  const buttons = message.buttons.slice(0, MAX_BUTTONS);
  if (buttons.length === 0) {
    return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: message.title, text: message.text }) };
  }
  if (buttons.length === 1) {
    const [only] = buttons as [DeskButton];
    return {
      msgKey: 'sampleActionCard',
      msgParam: JSON.stringify({ title: message.title, text: message.text, singleTitle: only.title, singleURL: only.url }),
    };
  }
  const param: Record<string, string> = { title: message.title, text: message.text };
  buttons.forEach((button, i) => {
    param[`actionTitle${i + 1}`] = button.title;
    param[`actionURL${i + 1}`] = button.url;
  });
  return { msgKey: `sampleActionCard${buttons.length}`, msgParam: JSON.stringify(param) };
}

/** The body posted to a message's sessionWebhook. */
export function toSessionWebhookBody(message: DeskMessage): Record<string, unknown> {
  if (message.kind === 'markdown' || message.buttons.length === 0) {
    return { msgtype: 'markdown', markdown: { title: message.title, text: message.text } };
  }
  return {
    msgtype: 'actionCard',
    actionCard: {
      title: message.title,
      text: message.text,
      // Vertical: three buttons with Chinese and English titles do not fit side by side.
      btnOrientation: '0',
      btns: message.buttons.slice(0, MAX_BUTTONS).map((b) => ({ title: b.title, actionURL: b.url })),
    },
  };
}
