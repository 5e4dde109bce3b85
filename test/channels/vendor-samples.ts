// The vendors' own samples, as their documentation prints them, for the readers' and the routes'
// tests. Where a printed sample is not valid JSON (comments, a brace too many) it is the same sample
// with only that repaired; every value is as printed. Each names the page it comes from, so the next
// person can compare it with the vendor's current page.

/**
 * Lazada Open Platform, "Webhook API IM Send Message Notifications" (msg_type 2). Printed as
 * `{"data": { { …fields… } }, …}` with `//` comments; the inner braces and comments are removed.
 * It has no top-level timestamp: the message's time is data.send_time, in milliseconds.
 */
export const LAZADA_IM_PUSH_SAMPLE = {
  data: {
    session_id: '100094063_2_1011822749_1_103',
    message_id: '1zYOS7N0cuIqw96026',
    content: '{"txt":"hello world!"}',
    from_account_id: '1891549323',
    from_account_type: 1,
    send_time: 1596550789323,
    template_id: 1,
    to_account_id: '231135951',
    to_account_type: 1,
    type: 1,
    site_id: 'SG',
    process_msg: 'xxxx',
    auto_reply: false,
    status: 0,
  },
  seller_id: 20240305,
  message_type: 2,
};

/** Lazada, "Webhook API IM Session Update Notifications" (msg_type 19), repaired as above. */
export const LAZADA_SESSION_UPDATE_SAMPLE = {
  data: {
    sync_type: 'SESSION_UPDATE',
    user_account_id: '100094063',
    user_account_type: 2,
    session_id: '100094063_2_1011822749_1_103',
    unread_count: 0,
    to_position: 1596550789323,
    self_position: 1596550789323,
    site_id: 'SG',
  },
  seller_id: 20240305,
  message_type: 19,
};

/** Lazada, "Webhook API Promotion" (msg_type 11): the page prints the data alone, without an envelope. */
export const LAZADA_PROMOTION_SAMPLE = { expireTime: 1628079408927, notifyTime: 1628153676218, promotionId: 900000001107894, promotionType: 'SELLER_VOUCHER', sellerId: 100191757 };

/** Lazada, "Webhook API Authorization Token Expiration Alert" (msg_type 8). */
export const LAZADA_TOKEN_ALERT_SAMPLE = {
  seller_id: 'null',
  message_type: 8,
  data: { app_key: '115527', auth_expiry_time: 1627542238, seller_id: '1000165972' },
  timestamp: 1627416758,
  site: 'lazada_ph',
};

/**
 * Lazada, "Lazada Push Mechanism", the Java sample's signature vector: app key 123456, app secret
 * 3412gyo124goi3124, and the message body exactly as the sample's comment writes it (with its
 * literal "{...}.." placeholder), giving this signature.
 */
export const LAZADA_PUSH_SIGNATURE_VECTOR = {
  appKey: '123456',
  appSecret: '3412gyo124goi3124',
  body: '{"seller_id":"1234567", "message_type":0, "data":{...}..}',
  signature: 'f3d2ca947f16a50b577c036adecd18bec126ea19cadedd59816e255d3b6104ab',
};

/**
 * Shopee Open Platform, API reference "v2.push.get_lost_push_message", Response Example: an order
 * status push (code 3) lost for shop 727720655. Each item's `data` is a string holding the WHOLE push.
 */
export const SHOPEE_LOST_PUSH_RESPONSE_SAMPLE = {
  error: '',
  message: '',
  request_id: 'e3e3e7f3ac6d4ab5b1d1d6f1a2b3c4d5',
  response: {
    push_message_list: [
      {
        shop_id: 727720655,
        code: 3,
        timestamp: 1660123127,
        data: '{"data":{"items":[],"ordersn":"220810QSK8S7BX","status":"PROCESSED","completed_scenario":"","update_time":1660123127},"shop_id":727720655,"code":3,"timestamp":1660123127}',
      },
    ],
    has_next_page: false,
    last_message_id: 176610,
  },
};

/**
 * Shopee publishes no webchat push (code 10) sample. This is the SHAPE of a live push captured in a
 * public repository (fuyurina/yorozuya, request.py), every field name kept; the ids are kept, the
 * names and the text replaced. In it content.shop_id (165103149) is the sender's shop, not the
 * envelope's shop_id (947042923), and there is no from_shop_id.
 */
export const SHOPEE_WEBCHAT_PUSH_CAPTURED = {
  msg_id: '',
  data: {
    type: 'message',
    region: 'ID',
    content: {
      message_id: '2302748948493123953',
      shop_id: 165103149,
      request_id: '35f9478b-7482-46eb-a268-8f828fedb673',
      from_id: 165105353,
      from_user_name: 'buyer_one',
      to_id: 947151379,
      to_user_name: 'the_shop',
      message_type: 'text',
      content: { text: 'is the blue one in stock?' },
      conversation_id: '709122092476686867',
      created_timestamp: 1726044721,
      region: 'ID',
      is_in_chatbot_session: false,
      source_content: {},
      quoted_msg: { message_id: '' },
      sub_account_id: 0,
      sub_account_name: 0,
    },
  },
  shop_id: 947042923,
  code: 10,
  timestamp: 1726044722,
};

/** TikTok Shop Partner Center, webhook "(14) New message", Event example (as printed). */
export const TIKTOK_NEW_MESSAGE_SAMPLE = {
  type: 14,
  tts_notification_id: '7327112393057371910',
  shop_id: '7494049642642441621',
  timestamp: 1644412885,
  data: {
    content: '{"content":"444"}',
    conversation_id: '710688832392260838',
    create_time: 1681790246,
    is_visible: true,
    message_id: '722323407926368819',
    index: '7494560109732334274',
    type: 'TEXT',
    sender: { im_user_id: '707885565181165594', role: 'BUYER' },
  },
};

/**
 * TikTok Shop Partner Center, "Sign your API request": the step-by-step example for Get Authorized
 * Shops (GET /authorization/202309/shops?app_key=29a39d&timestamp=1623812664, no body) with app
 * secret e59af819cc.
 */
export const TIKTOK_API_SIGNATURE_VECTOR = {
  appSecret: 'e59af819cc',
  path: '/authorization/202309/shops',
  query: { app_key: '29a39d', timestamp: '1623812664' },
  body: '',
  sign: 'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8',
};
