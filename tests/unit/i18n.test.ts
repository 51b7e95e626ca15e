/**
 * The hub's two languages (services/shared/src/i18n.ts): every t`` message of the code has its
 * Swedish in the catalogue of its part, with the same placeholders, and the catalogue holds no
 * message the code no longer writes; Accept-Language picks the language; numbers, nested
 * messages and stored notes are written the language's way.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUES, SWEDISH } from '../../services/shared/src/messages/index.ts';
import { fromStored, inLanguage, languageOf, noteText, render, storedNote, t } from '../../services/shared/src/i18n.ts';
import { badInput, createErrorFormatter, HubError } from '../../services/shared/src/errors.ts';
import { usedMessages } from '../helpers/messages.ts';

const placeholders = (template: string) => [...template.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])).sort((a, b) => a - b);

describe('the catalogue', () => {
  const used = usedMessages();

  it('finds the messages of every part of the hub', () => {
    const parts = new Set(used.map((m) => m.part));
    expect([...parts].sort()).toEqual(['clinics', 'gateway', 'municipality', 'probation', 'psychiatry', 'shared']);
    expect(used.length).toBeGreaterThan(300);
  });

  it('has Swedish for every message the code writes', () => {
    const missing = used.filter((m) => !SWEDISH.has(m.key)).map((m) => `${m.file}:${m.line} ${m.key}`);
    expect(missing).toEqual([]);
  });

  it('holds no message the code does not write', () => {
    const keys = new Set(used.map((m) => m.key));
    const unused = [...SWEDISH.keys()].filter((k) => !keys.has(k));
    expect(unused).toEqual([]);
  });

  it('has each message once, in one part', () => {
    const twice = Object.entries(CATALOGUES).flatMap(([part, c]) =>
      Object.keys(c)
        .filter((k) => Object.entries(CATALOGUES).some(([other, o]) => other !== part && k in o))
        .map((k) => `${part}: ${k}`),
    );
    expect(twice).toEqual([]);
  });

  it('gives the Swedish the same placeholders as the English', () => {
    const wrong = [...SWEDISH].filter(([en, sv]) => JSON.stringify(placeholders(en)) !== JSON.stringify([...new Set(placeholders(sv))]));
    expect(wrong).toEqual([]);
  });

  it('has no Swedish that is the English left as it was, but for names and codes', () => {
    const same = [...SWEDISH].filter(([en, sv]) => en === sv && /[a-z]{4,} [a-z]{3,}/.test(en.replace(/\{\d+\}/g, '')));
    expect(same).toEqual([]);
  });
});

describe('Accept-Language', () => {
  it.each([
    [undefined, 'sv'],
    ['', 'sv'],
    ['sv', 'sv'],
    ['sv-SE,sv;q=0.9,en;q=0.8', 'sv'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['de-DE,de;q=0.9', 'sv'],
    ['de, en;q=0.5', 'en'],
    ['sv;q=0.4, en;q=0.8', 'en'],
    ['en;q=0, sv', 'sv'],
    ['*', 'sv'],
    ['EN', 'en'],
  ] as const)('%j → %s', (header, lang) => {
    expect(languageOf(header)).toBe(lang);
  });
});

describe('rendering', () => {
  it('writes numbers the language way (Swedish groups with a no-break space), four digits ungrouped', () => {
    const m = t`A document may be at most ${10_485_760} bytes.`;
    expect([render(m, 'en'), render(m, 'sv')]).toEqual([
      'A document may be at most 10,485,760 bytes.',
      'Ett dokument får vara högst 10\u00a0485\u00a0760 byte.',
    ]);
    expect(render(t`Ask for 1 to ${2026} ${t`referrals`} per page.`, 'sv')).toBe('Be om 1 till 2026 vårdbegäranden per sida.');
  });

  it('renders a nested message in the same language', () => {
    const m = t`${t`The reason`} must not be empty.`;
    expect([render(m, 'en'), render(m, 'sv')]).toEqual(['The reason must not be empty.', 'Skälet måste fyllas i.']);
  });

  it('a HubError is rendered in the language of the request that shows it, code and field unchanged', () => {
    const err = inLanguage('sv', () => badInput('input.endsOn', t`The period must end on or after the day it starts.`));
    expect(err.message).toBe('Perioden måste sluta samma dag som den börjar eller senare.');
    const format = createErrorFormatter({ error: () => undefined });
    const shown = (lang: 'sv' | 'en') => inLanguage(lang, () => format(err.toJSON(), err));
    expect(shown('en')).toEqual({
      message: 'The period must end on or after the day it starts.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.endsOn' },
    });
    expect(shown('sv')).toEqual({
      message: 'Perioden måste sluta samma dag som den börjar eller senare.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.endsOn' },
    });
    expect(err).toBeInstanceOf(HubError);
  });

  it('keeps a note as its message and an older note as its text', () => {
    const stored = storedNote(t`Assigned to the coordinator ${'Maria Berg'}.`);
    expect(stored?.startsWith('\u001e')).toBe(true);
    expect([noteText(stored, 'en'), noteText(stored, 'sv')]).toEqual(['Assigned to the coordinator Maria Berg.', 'Tilldelad samordnaren Maria Berg.']);
    expect(noteText('Assigned to the coordinator Maria Berg.', 'sv')).toBe('Assigned to the coordinator Maria Berg.');
    expect(noteText(storedNote('Flyttat.'), 'en')).toBe('Flyttat.');
    expect(noteText(null, 'sv')).toBeNull();
    expect(render(fromStored({ key: 'No assessment meeting was booked by {0}.', params: ['2026-03-16'] }), 'sv')).toBe(
      'Inget bedömningsmöte bokades senast 2026-03-16.',
    );
  });
});
