// product_facts: answers what a buyer asks about a product (material, washing, ingredients,
// allergens, shelf life, storage, origin, net content, fit) from the catalog's attributes only.
// A question the data cannot answer is never guessed: `missing` is set and the flow hands off.
// Sets `status`: no_product | unknown_link | answered | not_in_data | unknown_question.

import { PRODUCT_ATTRIBUTES, type ProductAttribute } from '../commerce/catalog.ts';
import { toSimplified } from '../language/chinese-script.ts';
import type { LocalText } from '../messages.ts';
import type { ActionContext, ActionDefinition, ActionResult } from './action-types.ts';
import { joinList } from './commerce-wording.ts';
import { originalQuestion, productInFocus } from './product-in-focus.ts';

/** Words that ask about each attribute (Simplified Chinese and lower-case English; messages are normalised first). */
const ASKS: Record<ProductAttribute, readonly string[]> = {
  material: ['面料', '材质', '布料', '什么料', '料子', '纯棉', '棉的', '含棉', 'material', 'fabric', 'made of', 'cotton', 'wool'],
  washing: ['洗', '干洗', '熨', 'wash', 'clean', 'iron', 'laundry', 'tumble'],
  fit: ['版型', '修身吗', '宽松吗', '偏大', '偏小', '帽围', 'fit', 'runs small', 'runs large', 'true to size'],
  origin: ['产地', '哪里产', '哪产的', '哪里生产', '哪里发', '进口', 'origin', 'made in', 'where is it made', 'imported'],
  ingredients: ['配料', '原料', '配方', '成分', '添加剂', '放了什么', 'ingredient', "what's in it", 'what is in it', 'additive'],
  allergens: ['过敏', '坚果', '花生', '麸质', '鸡蛋', '牛奶', '乳制品', '芝麻', '海鲜', 'allerg', 'nut', 'peanut', 'gluten', 'dairy', 'egg', 'sesame', 'contain'],
  shelfLife: ['保质期', '保鲜期', '放多久', '能放', '过期', '有效期', '生产日期', 'shelf life', 'expir', 'best before', 'how long does it keep', 'how long will it keep', 'how long do they keep', 'how long will they keep', 'use by'],
  storage: ['保存', '储存', '存放', '冷藏', '冰箱', '常温', '受潮', 'store', 'storage', 'fridge', 'refrigerat'],
  netContent: ['净含量', '多少克', '几克', '多重', '分量', '重量', '几枚', '多少个', 'net weight', 'how many grams', 'how much is in', 'how big is the pack', 'grams'],
};

/** "成分" on a T-shirt means its material; on a snack, its ingredients. */
const STANDS_IN: Partial<Record<ProductAttribute, ProductAttribute>> = { ingredients: 'material', material: 'ingredients' };

const LABELS: Record<ProductAttribute, LocalText> = {
  material: { 'zh-Hans': '面料', 'zh-Hant': '面料', en: 'Material' },
  washing: { 'zh-Hans': '洗涤', 'zh-Hant': '洗滌', en: 'Care' },
  fit: { 'zh-Hans': '版型', 'zh-Hant': '版型', en: 'Fit' },
  origin: { 'zh-Hans': '产地', 'zh-Hant': '產地', en: 'Origin' },
  ingredients: { 'zh-Hans': '配料', 'zh-Hant': '配料', en: 'Ingredients' },
  allergens: { 'zh-Hans': '过敏原', 'zh-Hant': '過敏原', en: 'Allergens' },
  shelfLife: { 'zh-Hans': '保质期', 'zh-Hant': '保質期', en: 'Shelf life' },
  storage: { 'zh-Hans': '储存', 'zh-Hant': '儲存', en: 'Storage' },
  netContent: { 'zh-Hans': '净含量', 'zh-Hant': '淨含量', en: 'Net content' },
};

/** Questions about keeping a product that single words miss ("how long do the walnuts keep"). */
const SHELF_LIFE_QUESTION = /how long\b.*\b(keep|last)s?\b/;

function asks(text: string, word: string): boolean {
  // English words must start a word ("nut" is not in "walnuts"); they may end inside one ("allerg" → allergy).
  return /^[a-z]/.test(word) ? new RegExp(`(?<![a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(text) : text.includes(word);
}

export function askedAttributes(question: string): ProductAttribute[] {
  const text = toSimplified(question.normalize('NFKC')).toLowerCase();
  return PRODUCT_ATTRIBUTES.filter(
    (attribute) => ASKS[attribute].some((word) => asks(text, word)) || (attribute === 'shelfLife' && SHELF_LIFE_QUESTION.test(text)),
  );
}

const OUTPUTS = ['status', 'question', 'product_name', 'facts', 'missing'] as const;

export const productFacts: ActionDefinition = {
  name: 'product_facts',
  description: "Answers the buyer's question about the product in focus from its attributes; sets `status`, `facts` and `missing` (what the data cannot answer).",
  outputs: OUTPUTS,
  async run(context: ActionContext): Promise<ActionResult> {
    const { language } = context;
    const question = originalQuestion(context);
    const set: Record<string, unknown> = { status: null, question, product_name: null, facts: null, missing: null };
    const focus = await productInFocus(context, question);
    const product = focus.product;
    if (!product) return { set: { ...set, status: focus.unknownLink ? 'unknown_link' : 'no_product' } };
    const switched = focus.switchedTo ? { context: { productId: focus.switchedTo } } : {};
    set.product_name = product.name[language];
    const asked = askedAttributes(question);
    if (asked.length === 0) return { set: { ...set, status: 'unknown_question' }, ...switched };
    const answered = new Set<ProductAttribute>();
    const missing: ProductAttribute[] = [];
    for (const attribute of asked) {
      const source = product.attributes[attribute] ? attribute : STANDS_IN[attribute];
      if (source && product.attributes[source]) answered.add(source);
      else if (!STANDS_IN[attribute] || !asked.includes(STANDS_IN[attribute]!)) missing.push(attribute);
    }
    const separator = language === 'en' ? ': ' : ':';
    const facts = [...answered].map((a) => `${LABELS[a][language]}${separator}${product.attributes[a]![language]}`).join('\n');
    set.facts = facts || null;
    set.missing = missing.length > 0 ? joinList(missing.map((a) => LABELS[a][language]), language) : null;
    return { set: { ...set, status: answered.size > 0 ? 'answered' : 'not_in_data' }, ...switched };
  },
};
