// Reading Chinese addresses as buyers paste them: against the official divisions (GB/T 2260),
// in either script, with labels or without, with what is missing listed.

import { describe, expect, it } from 'vitest';
import { formatChineseAddress, parseChineseAddress } from '../../dialogs/commerce/chinese-address.ts';

describe('parseChineseAddress', () => {
  it.each([
    ['王小明 13812345678 浙江省杭州市西湖区文三路90号东部软件园3号楼', { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路90号东部软件园3号楼', recipient: '王小明', phone: '+8613812345678' }],
    ['收件人:李四,电话:139-0013-9000,地址:上海市浦东新区世纪大道100号', { province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道100号', recipient: '李四', phone: '+8613900139000' }],
    ['北京市朝阳区建国路88号 赵六 13900139000', { province: '北京市', city: '北京市', district: '朝阳区', street: '建国路88号', recipient: '赵六' }],
    ['廣東省深圳市南山區科技園南區8棟 陳七 13700137000', { province: '广东省', city: '深圳市', district: '南山区', street: '科技园南区8栋', recipient: '陈七' }],
    ['浙江杭州西湖区文三路90号 王小明 13812345678', { province: '浙江省', city: '杭州市', district: '西湖区' }],
    ['杭州市西湖区文三路90号 王小明 13812345678', { province: '浙江省', city: '杭州市', district: '西湖区' }],
    ['成都市武侯区人民南路四段1号 周八 +86 136 0013 6000', { city: '成都市', district: '武侯区', phone: '+8613600136000' }],
    ['新疆维吾尔自治区乌鲁木齐市天山区解放北路1号 阿依 13999999999', { province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区' }],
  ])('reads %s', (text, expected) => {
    const parsed = parseChineseAddress(text);
    expect(parsed).toMatchObject(expected);
    expect(parsed.missing).toEqual([]);
  });

  it('lists what is missing, in the order a buyer writes it', () => {
    expect(parseChineseAddress('浙江省杭州市文三路100号 李四').missing).toEqual(['district', 'phone']);
    expect(parseChineseAddress('13912345678').missing).toEqual(['province', 'city', 'district', 'street', 'recipient']);
  });

  it('reports a number that is not a valid phone, and prefers a valid one given later', () => {
    const bad = parseChineseAddress('浙江省杭州市西湖区文三路100号 李四 1391234567');
    expect(bad.badPhone).toBe('1391234567');
    expect(bad.missing).toEqual(['phone']);
    const fixed = parseChineseAddress('浙江省杭州市西湖区文三路100号 李四 1391234567，13912345678');
    expect(fixed).toMatchObject({ phone: '+8613912345678', street: '文三路100号' });
    expect(fixed.badPhone).toBeUndefined();
  });

  it('takes a district given after the street (an answer to "what is missing")', () => {
    expect(parseChineseAddress('浙江省杭州市文三路100号 李四 13912345678，西湖区')).toMatchObject({ district: '西湖区', street: '文三路100号', missing: [] });
  });

  it('does not guess between districts of the same name in different cities', () => {
    // 朝阳区 is in Beijing and in Changchun; 朝阳 is also a city in Liaoning.
    const parsed = parseChineseAddress('朝阳区建国路88号 赵六 13900139000');
    expect(parsed.city).toBeUndefined();
    expect(parsed.missing).toContain('city');
  });

  it('copes with hostile input: huge, empty, symbols only', () => {
    expect(parseChineseAddress('').missing).toHaveLength(6);
    expect(parseChineseAddress('🙂🙂🙂,,,,').missing).toHaveLength(6);
    const huge = `浙江省杭州市西湖区${'很'.repeat(100_000)} 王小明 13812345678`;
    expect(parseChineseAddress(huge).province).toBe('浙江省');
  });

  it('formats an address as a waybill prints it', () => {
    expect(formatChineseAddress({ province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道100号' })).toBe('上海市浦东新区世纪大道100号');
    expect(formatChineseAddress({ province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路90号' })).toBe('浙江省杭州市西湖区文三路90号');
  });
});
