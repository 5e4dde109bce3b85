// Which carrier a tracking number belongs to: Chinese carriers by their waybill formats, UPS, FedEx,
// DHL, USPS and UPU S10 through ts-tracking-number (check digits), and what the buyer named.

import { describe, expect, it } from 'vitest';
import { carriersFor, namedCarrier, readTrackingNumber } from '../../dialogs/commerce/tracking-numbers.ts';

describe('carrier detection', () => {
  it.each([
    ['SF1234567890123', 'sf'],
    ['YT1234567890123', 'yto'],
    ['731234567890', 'zto'],
    ['776543210987654', 'sto'],
    ['4312345678901', 'yunda'],
    ['JD0012345678901', 'jd'],
    ['EA123456785CN', 'ems'],
    ['1012345678901', 'ems'],
    ['1Z999AA10123456784', 'ups'],
    ['9400111899223100000000', 'usps'],
    ['JJD0099999999', 'dhl'],
    ['123456789012', 'fedex'],
  ])('%s → %s', (number, carrier) => {
    expect(readTrackingNumber(number)).toEqual({ kind: 'ok', carrier, number });
  });

  it('reads numbers inside sentences, glued to Chinese or split by spaces', () => {
    expect(readTrackingNumber('我寄回来了单号是SF1234567890123')).toMatchObject({ kind: 'ok', carrier: 'sf' });
    expect(readTrackingNumber('my number is 1Z 999 AA1 0123 4567 84')).toMatchObject({ kind: 'ok', carrier: 'ups', number: '1Z999AA10123456784' });
    expect(readTrackingNumber('退货单号: YT1234567890123,谢谢')).toMatchObject({ kind: 'ok', carrier: 'yto' });
  });

  it('rejects malformed numbers and a UPS number with a wrong check digit', () => {
    expect(readTrackingNumber('SF123')).toMatchObject({ kind: 'malformed', number: 'SF123' });
    expect(readTrackingNumber('ABC12345678')).toMatchObject({ kind: 'malformed' });
    expect(carriersFor('1Z999AA10123456785')).not.toContain('ups');
    expect(carriersFor('EA123456789CN')).toEqual([]);
    expect(readTrackingNumber('没有单号')).toEqual({ kind: 'none' });
  });

  it('tells the buyer when the number belongs to another carrier than the one named', () => {
    expect(readTrackingNumber('顺丰 1Z999AA10123456784')).toEqual({ kind: 'mismatch', number: '1Z999AA10123456784', named: 'sf', detected: 'ups' });
    expect(readTrackingNumber('FedEx SF1234567890123')).toMatchObject({ kind: 'mismatch', named: 'fedex', detected: 'sf' });
    // A number that fits both, read as the carrier named.
    expect(carriersFor('731234567890').length).toBeGreaterThanOrEqual(1);
    expect(readTrackingNumber('中通 731234567890')).toMatchObject({ kind: 'ok', carrier: 'zto' });
  });

  it('names carriers in any script, and not from inside a number', () => {
    expect(namedCarrier('順豐快遞')).toBe('sf');
    expect(namedCarrier('sent by DHL')).toBe('dhl');
    expect(namedCarrier('SF1234567890123')).toBeNull();
    expect(namedCarrier('sofa')).toBeNull();
  });

  it('stays quick and safe on hostile input', () => {
    expect(readTrackingNumber('1'.repeat(100_000)).kind).not.toBe('ok');
    expect(readTrackingNumber('SF1234567890123 '.repeat(5000)).kind).toBe('ok');
  });
});
