import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultDateOrder, normalizeBirthdate } from '../../../../src/core/mapping/normalize-birthdate.ts';

const today = '2026-08-20';

describe('normalizeBirthdate', () => {
  it.each([
    ['1990-05-02', 'DMY', '1990-05-02'],
    ['1990-5-2', 'DMY', '1990-05-02'],
    ['1990-05-02T00:00:00Z', 'DMY', '1990-05-02'],
    ['1990-05-02T23:30:00-05:00', 'DMY', '1990-05-02'],
    ['1990-05-02 00:00:00', 'DMY', '1990-05-02'],
    ['02.05.1990', 'DMY', '1990-05-02'],
    ['02.05.1990', 'MDY', '1990-05-02'],
    ['2.5.1990', 'DMY', '1990-05-02'],
    ['02/05/1990', 'DMY', '1990-05-02'],
    ['02/05/1990', 'MDY', '1990-02-05'],
    ['25/05/1990', 'MDY', '1990-05-25'],
    ['05/25/1990', 'DMY', '1990-05-25'],
    ['02-05-1990', 'DMY', '1990-05-02'],
    ['5/2/1990 12:00:00 AM', 'MDY', '1990-05-02'],
    ['1990/05/02', 'DMY', '1990-05-02'],
    ['19900502', 'DMY', '1990-05-02'],
    ['32874', 'DMY', '1990-01-01'],
    [32874, 'DMY', '1990-01-01'],
    ['29.02.2000', 'DMY', '2000-02-29'],
    ['1900-01-01', 'DMY', '1900-01-01'],
    ['2026-08-20', 'DMY', '2026-08-20'],
  ] as const)('reads %j (%s) as %s', (input, order, expected) => {
    expect(normalizeBirthdate(input, order, today)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['31.02.1990', 'birthdate-invalid'],
    ['29.02.1900', 'birthdate-invalid'],
    ['1990-13-01', 'birthdate-invalid'],
    ['1990-00-10', 'birthdate-invalid'],
    ['13/13/1990', 'birthdate-invalid'],
    ['1990', 'birthdate-invalid'],
    ['02/05/90', 'birthdate-invalid'],
    ['May 2nd 1990', 'birthdate-invalid'],
    ['yesterday', 'birthdate-invalid'],
    ['1899-12-31', 'birthdate-out-of-range'],
    ['2026-08-21', 'birthdate-out-of-range'],
    ['3000-01-01', 'birthdate-out-of-range'],
  ])('rejects %j with %s', (input, reason) => {
    expect(normalizeBirthdate(input, 'DMY', today)).toEqual({ ok: false, reason });
  });

  it('reads month first only where people write it that way', () => {
    expect(defaultDateOrder('US')).toBe('MDY');
    expect(defaultDateOrder('PH')).toBe('MDY');
    expect(defaultDateOrder('TR')).toBe('DMY');
    expect(defaultDateOrder('GB')).toBe('DMY');
    expect(defaultDateOrder(undefined)).toBe('DMY');
  });

  it('reads any real date the same in ISO, German and both slash orders', () => {
    const dates = fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2026-08-20T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(dates, (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [year, month, day] = iso.split('-');
        expect(normalizeBirthdate(iso, 'MDY', today)).toEqual({ ok: true, value: iso });
        expect(normalizeBirthdate(`${day}.${month}.${year}`, 'MDY', today)).toEqual({ ok: true, value: iso });
        expect(normalizeBirthdate(`${day}/${month}/${year}`, 'DMY', today)).toEqual({ ok: true, value: iso });
        expect(normalizeBirthdate(`${month}/${day}/${year}`, 'MDY', today)).toEqual({ ok: true, value: iso });
      }),
    );
  });
});
