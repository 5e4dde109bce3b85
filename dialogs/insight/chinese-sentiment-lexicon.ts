// A small Chinese sentiment lexicon for shop conversations, on the AFINN scale (-5 very negative …
// +5 very positive) so that Chinese and English scores add up and share one threshold.
// No maintained npm package ships a Chinese lexicon (checked: only English AFINN lists exist), so
// Kefu keeps this one: words buyers really use about goods, delivery and service, in Simplified
// script (Traditional text is converted before lookup). Extend it freely: longer entries win over
// shorter ones, and an entry with weight 0 stops a word from being read inside a neutral phrase
// (你好 is a greeting, not praise; 快递 is a courier, not speed).

/** Sentiment words and neutral guards, Simplified script. */
export const CHINESE_SENTIMENT_WORDS: Readonly<Record<string, number>> = {
  // negative: quality and goods
  差: -2, 很差: -3, 质量差: -3, 烂: -3, 破损: -2, 坏了: -2, 坏: -2, 假货: -4, 山寨: -3, 次品: -3, 劣质: -3,
  难用: -2, 难看: -2, 难吃: -2, 丑: -2, 贵: -1, 起球: -1, 掉色: -2, 褪色: -2, 有味: -1, 异味: -2,
  // negative: service and delivery
  慢: -1, 太慢: -2, 敷衍: -3, 忽悠: -3, 骗子: -5, 骗人: -4, 欺骗: -4, 坑人: -4, 黑店: -4, 无良: -4,
  垃圾: -4, 差评: -3, 投诉: -3, 举报: -3, 态度差: -3, 不理人: -3, 没人理: -3,
  // negative: feelings
  失望: -3, 生气: -3, 气死: -4, 愤怒: -4, 恶心: -4, 糟糕: -3, 糟透: -4, 不满: -3, 烦: -2, 烦死: -4,
  无语: -2, 郁闷: -2, 崩溃: -3, 受不了: -3, 后悔: -2, 讨厌: -3, 可恶: -3, 离谱: -3, 过分: -3,
  不要脸: -5, 痛苦: -2, 担心: -1, 着急: -1, 伤心: -2, 难过: -2, 火大: -3, 坑: -2,
  // insults
  傻逼: -5, 妈的: -4, 混蛋: -4, 废物: -4,
  // positive
  好: 2, 不错: 2, 满意: 2, 喜欢: 2, 爱: 2, 谢谢: 2, 感谢: 2, 多谢: 2, 赞: 2, 棒: 3, 完美: 3, 优秀: 3,
  开心: 2, 高兴: 2, 好评: 3, 漂亮: 2, 好看: 2, 舒服: 2, 方便: 1, 超值: 3, 划算: 2, 实惠: 2, 给力: 3,
  靠谱: 2, 耐心: 2, 专业: 2, 贴心: 3, 放心: 2, 推荐: 1, 回购: 2, 惊喜: 3, 值得: 2, 好用: 2, 好吃: 2,
  // neutral guards: phrases whose characters would otherwise read as sentiment
  你好: 0, 您好: 0, 好的: 0, 好吗: 0, 好不好: 0, 好像: 0, 好几: 0, 好多: 0, 只好: 0, 最好: 0, 还好: 0,
  快递: 0, 差不多: 0, 差价: 0, 差额: 0, 相差: 0, 爱心: 0, 可爱: 1, 坏账: 0, 烂尾: 0,
};

/** Words that turn the next sentiment word around (不满意 is negative, 不差 mildly positive). */
export const CHINESE_NEGATORS: readonly string[] = ['不', '没', '没有', '别', '不是', '并不', '从不', '毫不', '未', '无', '不太', '不怎么'];

/** Words that strengthen (or soften) the next sentiment word. */
export const CHINESE_INTENSIFIERS: Readonly<Record<string, number>> = {
  很: 1.5, 非常: 2, 太: 1.8, 特别: 1.8, 超: 1.5, 超级: 2, 极: 2, 极其: 2, 十分: 1.8, 真: 1.3, 真的: 1.3,
  最: 1.8, 巨: 1.8, 实在: 1.5, 简直: 1.8, 有点: 0.6, 有些: 0.6, 稍微: 0.5, 比较: 0.8,
};
