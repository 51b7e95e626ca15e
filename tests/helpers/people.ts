/** Identity numbers for tests: every test makes its own people, so tests never share a person. */
import { randomInt } from 'node:crypto';
import { checkDigit } from '../../services/shared/src/personnummer.ts';

/** A valid 12-digit personnummer (YYYYMMDD-NNNC) of the given legal gender, born 1950–1999. */
export function personnummer(gender: 'WOMEN' | 'MEN' = randomInt(2) ? 'MEN' : 'WOMEN', options: { samordning?: boolean } = {}): string {
  const year = 1950 + randomInt(50);
  const month = 1 + randomInt(12);
  const day = 1 + randomInt(28) + (options.samordning ? 60 : 0);
  const serial = randomInt(100);
  const genderDigit = 2 * randomInt(5) + (gender === 'MEN' ? 1 : 0);
  const nine = `${String(year).slice(2)}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(serial).padStart(2, '0')}${genderDigit}`;
  return `${String(year).slice(0, 2)}${nine.slice(0, 6)}-${nine.slice(6)}${checkDigit(nine)}`;
}
