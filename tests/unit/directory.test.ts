/** The organisation a stored row names: found in the directory, or a broken invariant (never a silent null). */
import { describe, expect, it } from 'vitest';
import { storedOrganisation } from '../../services/shared/src/directory.ts';

describe('storedOrganisation', () => {
  it('gives the directory entry of an id a row may store', () => {
    expect(storedOrganisation('probation:vasteras')).toMatchObject({ id: 'probation:vasteras', agency: 'PROBATION' });
  });

  it('refuses an id the directory does not hold', () => {
    expect(() => storedOrganisation('municipality:9999')).toThrow('municipality:9999, named by a stored row, is not an organisation of the directory');
  });
});
