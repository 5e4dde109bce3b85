// What is Lazada's own: its API signature (the documented vector and one computed with openssl), its
// push signature over the raw bytes, and how replies render as Lazada IM messages. The channel end to
// end (pushes, replies, bad input, outages) is in marketplace-channels.test.ts, shared with the others.

import { describe, expect, it } from 'vitest';
import { lazadaApiSignature, lazadaApiStringToSign, isLazadaPushSigned, lazadaPushSignature } from '../../adapters/channels/lazada/lazada-signature.ts';
import { renderLazadaReply } from '../../adapters/channels/lazada/lazada-renderer.ts';
import { readLazadaPush } from '../../adapters/channels/lazada/lazada-push.ts';

describe('Lazada signatures', () => {
  it('signs API calls as Lazada documents (secret helloworld, /order/get example)', () => {
    const params = { access_token: 'test', app_key: '123456', order_id: '1234', sign_method: 'sha256', timestamp: '1517820392000' };
    expect(lazadaApiStringToSign('/order/get', params)).toBe('/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000');
    expect(lazadaApiSignature('helloworld', '/order/get', params)).toBe('4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A');
  });

  it('sorts parameters, leaves out sign, and keeps UTF-8 text as it is (vector from openssl)', () => {
    const params = { txt: 'Hi 你好', template_id: '1', session_id: '100_1', app_key: '123456', timestamp: '1700000000000', sign_method: 'sha256', access_token: 'tok', sign: 'ignored' };
    expect(lazadaApiSignature('s3cret', '/im/message/send', params)).toBe('81577D01D23B37FEF970251FBC2A37F40B79DF7DDA15284EE05629F923B2621B');
  });

  it('verifies pushes over the raw bytes, case-insensitively, in constant time', () => {
    const raw = Buffer.from('{"message_type":2,"data":{"content":"{\\"txt\\":\\"你好\\"}"}}');
    const expected = 'e88752af00f61e4bfa574845defa2825a2de11ab4984efb4549431e382795280';
    expect(lazadaPushSignature('123456', 'lazada-test-secret', raw)).toBe(expected);
    expect(isLazadaPushSigned(expected.toUpperCase(), '123456', 'lazada-test-secret', raw)).toBe(true);
    expect(isLazadaPushSigned(expected, '123456', 'other-secret', raw)).toBe(false);
    expect(isLazadaPushSigned(expected.slice(0, -1), '123456', 'lazada-test-secret', raw)).toBe(false);
    expect(isLazadaPushSigned(undefined, '123456', 'lazada-test-secret', raw)).toBe(false);
    // Re-serialised JSON is different bytes: the same object with other spacing does not verify.
    expect(isLazadaPushSigned(expected, '123456', 'lazada-test-secret', Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1)))).toBe(false);
  });

  it('renders buttons as numbered options and cards as Lazada item / order cards', () => {
    expect(renderLazadaReply({ text: '您好', buttons: [{ title: '帮我选尺码', payload: '/ask_size' }, { title: '转人工客服', payload: '/human_agent' }] }))
      .toEqual([{ template_id: '1', txt: '您好\n1. 帮我选尺码\n2. 转人工客服' }]);
    expect(renderLazadaReply({ text: 'This one?', card: { title: 'Hoodie', productId: '3001' } })).toEqual([{ template_id: '1', txt: 'This one?' }, { template_id: '10006', item_id: '3001' }]);
    expect(renderLazadaReply({ text: '', card: { title: 'Your order', orderId: '5001' } })).toEqual([{ template_id: '10007', order_id: '5001' }]);
    expect(renderLazadaReply({ text: 'See', card: { title: 'Size guide', url: 'https://shop.example/size' } })).toEqual([{ template_id: '1', txt: 'See\nSize guide\nhttps://shop.example/size' }]);
  });

  it('reads buyer text, item and order cards, and ignores what is not the buyer\'s', () => {
    const push = (data: Record<string, unknown>, messageType = 2) => ({ message_type: messageType, timestamp: 1, data: { session_id: 's1', message_id: 'm1', from_user_id: 'b1', from_account_type: 1, template_id: 1, ...data } });
    expect(readLazadaPush(push({ content: '{"txt":"hi"}' }), 5)).toEqual({ kind: 'message', message: { id: 'm1', conversation: { channel: 'lazada', conversationId: 's1', buyerId: 'b1' }, text: 'hi', receivedAt: 5 } });
    expect(readLazadaPush(push({ template_id: 10007, content: '{"orderId":"5001"}' }), 5)).toMatchObject({ kind: 'message', message: { text: '', context: { orderId: '5001' } } });
    expect(readLazadaPush(push({ template_id: 10006, content: '{"itemId":3001}' }), 5)).toMatchObject({ kind: 'message', message: { context: { productId: '3001' } } });
    expect(readLazadaPush(push({ from_account_type: 2, content: '{"txt":"hi"}' }), 5).kind).toBe('ignored');
    expect(readLazadaPush(push({ content: '{"txt":"hi"}' }, 1), 5).kind).toBe('ignored');
    expect(readLazadaPush(push({ content: '{"txt":5}' }), 5).kind).toBe('invalid');
    expect(readLazadaPush(push({ session_id: { nested: true }, content: '{"txt":"hi"}' }), 5).kind).toBe('invalid');
  });
});

