import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../adapters/logging/mask-personal-data.ts';

describe('phone numbers keep their first three and last four digits', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['我的手机是13800138000，谢谢', '我的手机是138****8000，谢谢'],
    ['+86 138 0013 8000', '+86 138 **** 8000'],
    ['+86-138-0013-8000', '+86-138-****-8000'],
    ['(+86)13800138000', '(+86)138****8000'],
    ['8613800138000', '86138****8000'],
    ['电话：１３８００１３８０００', '电话：１３８****８０００'],
  ])('Chinese mobile %s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it.each([
    ['店里电话 0571-88157858', '店里电话 0571-****7858'],
    ['(010)12345678', '(010)****5678'],
  ])('Chinese landline %s keeps its area code', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it.each([
    ['call me on +44 20 7946 0958', 'call me on +44 ** **** 0958'],
    ['US number: +1 (415) 555-2671.', 'US number: +1 (***) ***-2671.'],
    ['+81 3-1234-5678', '+81 *-****-5678'],
  ])('international number %s keeps its country code', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('leaves order numbers, timestamps and impossible numbers alone', () => {
    for (const text of ['订单号 2024051312345678901', 'at 1700000000000 ms', 'code +12345678901234567890', '身高175体重70']) {
      expect(maskPersonalData(text)).toBe(text);
    }
  });
});

describe('e-mail addresses keep their first letter and domain', () => {
  it.each([
    ['zhang.san@example.com', 'z***@example.com'],
    ['请发到 lily+shop@mail.example.co.uk 谢谢', '请发到 l***@mail.example.co.uk 谢谢'],
    ['Write to z@qq.com.', 'Write to z***@qq.com.'],
    ['13800138000@163.com', '1***@163.com'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('leaves @-mentions and hosts without a domain alone', () => {
    for (const text of ['thanks @support', 'user@localhost', 'a@b', '@@@']) {
      expect(maskPersonalData(text)).toBe(text);
    }
  });
});

describe('Chinese street addresses keep the province, city and district', () => {
  it.each([
    ['浙江省杭州市余杭区文一西路969号3号楼201室', '浙江省杭州市余杭区****'],
    ['我的地址是浙江省杭州市余杭区文一西路969号3号楼201室，请尽快发货', '我的地址是浙江省杭州市余杭区****，请尽快发货'],
    ['北京市朝阳区建国路88号', '北京市朝阳区****'],
    ['上海市浦东新区张江镇科苑路88号', '上海市浦东新区****'],
    ['杭州市阳光小区3栋2单元301室', '杭州市****'],
    ['请帮我把地址改成文一西路969号3号楼201室', '请帮我把地址改成****'],
    ['臺北市信義區信義路五段7號', '臺北市信義區****'],
    ['台北市大安區忠孝東路四段100巷5弄3號5樓', '台北市大安區****'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('leaves ordinary shopping talk alone', () => {
    for (const text of [
      '3号发货',
      '5月3号到5号之间发货',
      '一路顺风',
      '市区有货吗',
      'M号和L号有什么区别',
      '这个商品在杭州市有货吗',
      '我住在3楼',
      '订单123456号',
      '你好，这件衣服有XL码吗？身高175体重70',
      '浙江省杭州市',
    ]) {
      expect(maskPersonalData(text)).toBe(text);
    }
  });
});

describe('English street addresses are masked whole', () => {
  it.each([
    ['1600 Amphitheatre Parkway, Mountain View, CA', '****, Mountain View, CA'],
    ['ship to 221B Baker Street please', 'ship to **** please'],
    ['I live at 10 Downing St. London', 'I live at **** London'],
    ['350 5th Avenue Apt 5B', '****'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('leaves sentences with numbers alone', () => {
    for (const text of ['3 items on the way', 'I ordered 2 blue shirts last week', 'Hello, how long does shipping take?', 'size 42, 2 pairs']) {
      expect(maskPersonalData(text)).toBe(text);
    }
  });
});

describe('everything at once', () => {
  it('masks every kind in one message', () => {
    expect(maskPersonalData('张三 13800138000 zhang@example.com 北京市朝阳区建国路88号')).toBe(
      '张三 138****8000 z***@example.com 北京市朝阳区****',
    );
  });
});

describe('hostile input', () => {
  // Each of these would take minutes with a backtracking regular expression; the test timeout
  // is the bound, and the results show the text was really scanned.
  it.each([
    ['a run of local-part characters', 'a.'.repeat(50_000)],
    ['at signs without domains', 'a@'.repeat(50_000)],
    ['a long digit run', '1'.repeat(100_000)],
    ['repeated address markers', '市'.repeat(100_000)],
    ['repeated road markers', '路'.repeat(100_000)],
    ['English words after numbers', '1 aaa aaa aaa aaa aaa '.repeat(5_000)],
  ])('%s (100 KB) comes back unchanged', (_name, text) => {
    // Compared as a boolean: a failure must not print 100 KB.
    expect(maskPersonalData(text) === text).toBe(true);
  });

  it('checks the first hundred "+" numbers with libphonenumber and masks the rest unchecked', () => {
    const text = '+1 415 55 '.repeat(10_000);
    const masked = maskPersonalData(text);
    expect(masked.length).toBe(text.length);
    expect(masked.slice(0, 20)).toBe('+1 415 55 +1 415 55 ');
    expect(masked.slice(-10)).toBe('+* *15 55 ');
  });

  it('masks 100 KB of phone numbers and addresses', () => {
    const masked = maskPersonalData('13800138000 浙江省杭州市余杭区文一西路969号 '.repeat(3_000));
    expect(/13800138000|文一西路/.test(masked)).toBe(false);
    expect(masked.startsWith('138****8000 浙江省杭州市余杭区**** ')).toBe(true);
  });

  it('masks more international numbers than it checks one by one', () => {
    const masked = maskPersonalData('+44 20 7946 0958 '.repeat(500));
    expect(masked.includes('7946')).toBe(false);
  });

  it('never throws on odd values', () => {
    const odd: unknown[] = ['', '\u0000\uffff\ud800', '🙂'.repeat(1000), 12345, null, undefined, { toString: () => '13800138000' }];
    for (const value of odd) {
      expect(() => maskPersonalData(value as string)).not.toThrow();
    }
    expect(maskPersonalData({ toString: () => '13800138000' } as unknown as string)).toBe('138****8000');
    const unprintable = { toString: () => { throw new Error('no'); } };
    expect(maskPersonalData(unprintable as unknown as string)).toBe('[unprintable value]');
  });
});
