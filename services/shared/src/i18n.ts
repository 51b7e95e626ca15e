/**
 * The hub speaks Swedish by default and English to a caller whose Accept-Language prefers it.
 *
 * A message is written once, in English, as a tagged template: t`${id} is not a referral.` is a
 * Msg whose key is the template with numbered placeholders ("{0} is not a referral.") and whose
 * params are the values. The Swedish wording lives in a catalogue per part
 * (services/shared/src/messages/*.ts: key → Swedish template with the same placeholders). A Msg is
 * rendered when it is shown: in the language of the request running (an AsyncLocalStorage set from
 * Accept-Language by withLanguage), so the same refusal reads Swedish to one caller and English to
 * another. extensions.code and extensions.field never change with the language.
 *
 * Numbers are written the language's way (sv "10 000", en "10,000"; four digits without a group
 * separator, so years stay years), dates as "2 mars 2026" / "2 March 2026"; a param that is itself
 * a Msg is rendered in the same language. A key without a Swedish entry falls back to English
 * (tests/unit/i18n.test.ts makes sure there is none).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { SWEDISH } from './messages/index.ts';

export type Language = 'sv' | 'en';
export const DEFAULT_LANGUAGE: Language = 'sv';
export const LANGUAGE_HEADER = 'accept-language';

/** A message: a t`` Msg, or plain text (shown as it is in every language). */
export type Wording = Msg | string;

export type Param = string | number | bigint | boolean | Date | Msg | null | undefined | readonly Param[];

export class Msg {
  constructor(
    readonly key: string,
    readonly params: readonly Param[],
  ) {}

  /** In the language of the running request. */
  toString(): string {
    return render(this, currentLanguage());
  }

  toJSON(): string {
    return this.toString();
  }

  /** What a timeline keeps: the key and the params, rendered when read. */
  stored(): StoredMsg {
    return { key: this.key, params: this.params.map(storedParam) };
  }
}

/** A message as stored in a jsonb column: params that are messages stay messages. */
export interface StoredMsg {
  key: string;
  params: StoredParam[];
}
export type StoredParam = string | number | boolean | null | StoredMsg | { date: string } | StoredParam[];

function storedParam(p: Param): StoredParam {
  if (p instanceof Msg) return p.stored();
  if (p instanceof Date) return { date: p.toISOString() };
  if (Array.isArray(p)) return (p as readonly Param[]).map(storedParam);
  if (typeof p === 'bigint') return Number(p);
  if (p === undefined) return null;
  return p as string | number | boolean | null;
}

function fromStoredParam(p: StoredParam): Param {
  if (Array.isArray(p)) return p.map(fromStoredParam);
  if (p && typeof p === 'object') return 'date' in p ? new Date(p.date) : fromStored(p);
  return p;
}

export const fromStored = (s: StoredMsg): Msg => new Msg(s.key, s.params.map(fromStoredParam));

/** A stored note: a message (key and params) or, for rows written before messages were stored, the text itself. */
export function isStoredMsg(v: unknown): v is StoredMsg {
  return typeof v === 'object' && v !== null && typeof (v as StoredMsg).key === 'string' && Array.isArray((v as StoredMsg).params);
}

/**
 * A note as a text column keeps it: a message's key and params (as JSON, after a record separator,
 * which no caller can type: the input rules refuse control characters), so that it is written in
 * the reader's language when read. Rows written before hold the note's text, shown as it is.
 */
export const STORED_NOTE_MARK = '\u001e';

export function storedNote(note: Wording | null): string | null {
  if (note === null) return null;
  const m = typeof note === 'string' ? verbatim(note) : note;
  return STORED_NOTE_MARK + JSON.stringify(m.stored());
}

/** A stored note in a language: the message rendered, or an older row's text as it is. */
export function noteText(note: string | null | undefined, lang: Language = currentLanguage()): string | null {
  if (note === null || note === undefined) return null;
  if (!note.startsWith(STORED_NOTE_MARK)) return note;
  try {
    const stored: unknown = JSON.parse(note.slice(STORED_NOTE_MARK.length));
    if (isStoredMsg(stored)) return render(fromStored(stored), lang);
  } catch {
    // not a message after all: shown as written
  }
  return note.slice(STORED_NOTE_MARK.length);
}

/** Every key a t`` call made in this process, for the catalogue test. */
export const usedKeys = new Set<string>();

/** The tag: t`Refused: ${what} is not allowed.` */
export function t(strings: TemplateStringsArray, ...params: Param[]): Msg {
  const key = keyOf(strings);
  usedKeys.add(key);
  return new Msg(key, params);
}

const keys = new WeakMap<TemplateStringsArray, string>();
export function keyOf(strings: readonly string[]): string {
  const cached = keys.get(strings as TemplateStringsArray);
  if (cached !== undefined) return cached;
  let key = strings[0] ?? '';
  for (let i = 1; i < strings.length; i++) key += `{${i - 1}}${strings[i]}`;
  keys.set(strings as TemplateStringsArray, key);
  return key;
}

/** A message that is not translated: text from elsewhere (a library's words, an old stored note). */
export const verbatim = (text: string): Msg => new Msg('{0}', [text]);

// four digits stay ungrouped (years, minutes); 'min2' is Node's, not yet in TypeScript's lib
const GROUPING = { useGrouping: 'min2' } as unknown as Intl.NumberFormatOptions;
const NUMBER = { sv: new Intl.NumberFormat('sv-SE', GROUPING), en: new Intl.NumberFormat('en-GB', GROUPING) } as const;
const DATE = {
  sv: new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' }),
} as const;
const LIST_AND = { sv: ', ', en: ', ' } as const;

function shown(p: Param, lang: Language): string {
  if (p instanceof Msg) return render(p, lang);
  if (typeof p === 'number' || typeof p === 'bigint') return NUMBER[lang].format(p);
  if (p instanceof Date) return DATE[lang].format(p);
  if (Array.isArray(p)) return (p as readonly Param[]).map((x) => shown(x, lang)).join(LIST_AND[lang]);
  return String(p);
}

/** A message in one language. */
export function render(m: Msg | string, lang: Language): string {
  if (typeof m === 'string') return m;
  const template = lang === 'sv' ? (SWEDISH.get(m.key) ?? m.key) : m.key;
  return template.replace(/\{(\d+)\}/g, (_, i: string) => shown(m.params[Number(i)], lang));
}

/**
 * The language an Accept-Language header asks for: the first of sv and en by q-value (ties by
 * order), en-GB, en-US and such counting as en; Swedish when the header names neither.
 */
export function languageOf(header: string | string[] | null | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return DEFAULT_LANGUAGE;
  let best: { lang: Language; q: number } | undefined;
  for (const part of value.split(',')) {
    const [tag = '', ...attrs] = part.trim().toLowerCase().split(';');
    const qAttr = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    const q = qAttr ? Number(qAttr.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const base = tag.trim().split('-')[0];
    const lang: Language | undefined = base === 'sv' ? 'sv' : base === 'en' ? 'en' : undefined;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? DEFAULT_LANGUAGE;
}

const store = new AsyncLocalStorage<Language>();

let outsideRequests: Language = DEFAULT_LANGUAGE;

/** The language of messages made outside any request (a sweep, a script, a unit test): Swedish unless set. */
export function setLanguageOutsideRequests(lang: Language): void {
  outsideRequests = lang;
}

export const currentLanguage = (): Language => store.getStore() ?? outsideRequests;

/** Runs fn in one language (a request's). */
export const inLanguage = <T>(lang: Language, fn: () => T): T => store.run(lang, fn);

/** Express middleware: the rest of the request runs in the language of its Accept-Language. */
export function withLanguage(req: { headers: Record<string, string | string[] | undefined> }, _res: unknown, next: () => void): void {
  store.run(languageOf(req.headers[LANGUAGE_HEADER]), next);
}
