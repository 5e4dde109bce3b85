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

// A corpus of the ways buyers type what identifies them (synthetic numbers with valid check
// digits), and of the numbers shop talk is full of that must stay readable for agents.
describe('resident ID numbers are masked when their check digit is right', () => {
  it.each([
    ['身份证 11010519491231002X', '身份证 110***********002X'],
    ['身份证号：11010519491231002x。', '身份证号：110***********002x。'],
    ['330106198511110022', '330***********0022'],
    ['清关要身份证 440304 19900307 123X', '清关要身份证 440*** ******** 123X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '１１０***********００２Ｘ'],
    ['my ID is 51010720001229332X thanks', 'my ID is 510***********332X thanks'],
    ['台灣身分證 A123456789', '台灣身分證 A******789'],
    ['香港身份證 A123456(3)', '香港身份證 A******(3)'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });
});

describe('bank card numbers are masked when a card scheme issues them and the Luhn digit is right', () => {
  it.each([
    ['退款打到卡 6222021234567890128', '退款打到卡 ***************0128'],
    ['卡号 6222 0212 3456 7890 128', '卡号 **** **** **** ***0 128'],
    ['6217-0012-3456-7893', '****-****-****-7893'],
    ['工行 9558801234567890128', '工行 ***************0128'],
    ['visa 4111 1111 1111 1111', 'visa **** **** **** 1111'],
    ['5555555555554444', '************4444'],
    ['amex 378282246310005', 'amex ***********0005'],
    ['６２２２０２１２３４５６７８９０１２８', '***************０１２８'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });
});

describe('phones are masked whatever separates their digits', () => {
  it.each([
    ['138.1234.5678', '138.****.5678'],
    ['手机 138 1234 5678', '手机 138 **** 5678'],
    ['+86 138-1234-5678', '+86 138-****-5678'],
    ['0086.138.1234.5678', '0086.138.****.5678'],
    ['1381 2345 678', '138* ***5 678'],
    ['电话１３８．１２３４．５６７８', '电话１３８．****．５６７８'],
    ['电话 １３８－１２３４－５６７８', '电话 １３８－****－５６７８'],
    ['＋８６ １３８ １２３４ ５６７８', '＋８６ １３８ **** ５６７８'],
    ['0571.8815.7858', '0571.****.7858'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });
});

describe('e-mail addresses typed with full-width characters are masked', () => {
  it.each([
    ['zhang＠qq.com', 'z***＠qq.com'],
    ['ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'ｚ***＠ｅｘａｍｐｌｅ．ｃｏｍ'],
    ['邮箱 lily＠163。com 谢谢', '邮箱 l***＠163。com 谢谢'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });
});

describe('order numbers, tracking numbers, prices and dates stay readable', () => {
  it.each([
    '订单号 2024120412345678901',
    '订单 202412041234567890',
    '单号4401234567890123456',
    '订单号：2024120412345674',
    '顺丰 SF1234567890123',
    '圆通 YT1234567890123',
    '中通 75312345678901',
    '京东 JD0012345678901',
    '韵达 4312345678901',
    '价格 ¥1,380.50',
    '138.00元',
    '满 300 减 30，到手价 1388 元',
    '2026.12.04 13:45 下单',
    '2026-12-04',
    '共 3 件 138 元',
    'SKU A123456',
    '尺码 170/92A',
    '订单 E20241204000138',
  ])('%s', (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });
});

describe('a card among other numbers', () => {
  it('is found after another number and before one', () => {
    expect(maskPersonalData('11010519491231002X 6222021234567890128 138.1234.5678')).toBe('110***********002X ***************0128 138.****.5678');
    expect(maskPersonalData('卡号 2 6222 0212 3456 7890 128')).toBe('卡号 2 **** **** **** ***0 128');
    // Twenty digits in one piece are not a card (nor its first nineteen).
    expect(maskPersonalData('62220212345678901280')).toBe('62220212345678901280');
  });
});
