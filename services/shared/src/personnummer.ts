/**
 * Swedish personal identity numbers (personnummer) and coordination numbers
 * (samordningsnummer): parsing, validation and the normalised 12-digit form
 * that is stored and hashed. Skatteverket SKV 704 describes the format.
 */
import { isCalendarDate, stockholmDate } from './time.ts';
import { t, type Msg } from './i18n.ts';

export type IdentityKind = 'PERSONNUMMER' | 'SAMORDNINGSNUMMER';
export type LegalGender = 'WOMEN' | 'MEN';

export interface IdentityNumber {
  /** YYYYMMDDNNNC, the day keeps its +60 for a samordningsnummer */
  normalised: string;
  kind: IdentityKind;
  birthDate: string;
  /** from the second-to-last digit: odd for men, even for women */
  gender: LegalGender;
}

export type ParseResult = { ok: true; value: IdentityNumber } | { ok: false; reason: Msg };

const FORM = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let d = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Parses a personnummer or samordningsnummer written with 10 or 12 digits,
 * with or without separator. For 10 digits the century is the latest one
 * that puts the birth date in the past, one century earlier with '+'
 * (the person is 100 or older), as the population register writes them.
 */
export function parseIdentityNumber(input: string, today: Date = new Date()): ParseResult {
  const text = input.replace(/\s/g, '');
  const m = FORM.exec(text);
  if (!m) {
    return { ok: false, reason: t`must be 10 or 12 digits, written YYMMDD-NNNN or YYYYMMDDNNNN` };
  }
  const [, century, yy, mm, dd, sep, serial, check] = m as unknown as string[];
  if (century && sep === '+') return { ok: false, reason: t`the '+' separator belongs only to the 10-digit form` };
  const day = Number(dd);
  const kind: IdentityKind = day > 60 ? 'SAMORDNINGSNUMMER' : 'PERSONNUMMER';
  const realDay = String(kind === 'SAMORDNINGSNUMMER' ? day - 60 : day).padStart(2, '0');
  const todayStr = stockholmDate(today);

  let year: number;
  if (century) {
    year = Number(`${century}${yy}`);
  } else {
    const thisYear = Number(todayStr.slice(0, 4));
    year = thisYear - ((((thisYear - Number(yy)) % 100) + 100) % 100);
    if (`${year}-${mm}-${realDay}` > todayStr) year -= 100;
    if (sep === '+') year -= 100;
  }
  const birthDate = `${String(year).padStart(4, '0')}-${mm}-${realDay}`;
  if (!isCalendarDate(birthDate)) {
    return { ok: false, reason: t`has no valid date of birth (${yy}${mm}${dd})` };
  }
  if (birthDate > todayStr) return { ok: false, reason: t`has a date of birth in the future` };
  if (!luhnValid(`${yy}${mm}${dd}${serial}${check}`)) {
    return { ok: false, reason: t`has a wrong check digit; please check the number` };
  }
  const normalised = `${String(year).padStart(4, '0')}${mm}${dd}${serial}${check}`;
  const gender: LegalGender = Number(serial![2]) % 2 === 1 ? 'MEN' : 'WOMEN';
  return { ok: true, value: { normalised, kind, birthDate, gender } };
}

/** The check digit that completes nine digits (YYMMDDNNN); for test data and seeds. */
export function checkDigit(nine: string): string {
  for (let c = 0; c <= 9; c++) if (luhnValid(`${nine}${c}`)) return String(c);
  throw new Error('unreachable');
}

/** Formats a normalised number as YYYYMMDD-NNNN for display. */
export function formatIdentityNumber(normalised: string): string {
  return `${normalised.slice(0, 8)}-${normalised.slice(8)}`;
}
