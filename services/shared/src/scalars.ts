/** The Date and DateTime scalars of the contract. Input years outside 1900–2200 are refused as implausible. */
import { GraphQLScalarType, Kind } from 'graphql';
import { formatStockholm, isCalendarDate, parseDateTime } from './time.ts';
import { HubError } from './errors.ts';
import { t } from './i18n.ts';

export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2200;

/** The value as the caller wrote it, for the message; only when it is a short run of date characters (never free text). */
const shown = (value: unknown) => (typeof value === 'string' && /^[0-9T:.+\-Z ]{1,40}$/.test(value) ? `"${value}"` : 'The value');

const implausible = (value: unknown) =>
  new HubError('BAD_USER_INPUT', t`${shown(value)} is outside the years ${EARLIEST_YEAR}–${LATEST_YEAR}; check the date.`);

const plausibleYear = (year: number) => year >= EARLIEST_YEAR && year <= LATEST_YEAR;

function dateValue(value: unknown): string {
  if (typeof value === 'string' && isCalendarDate(value)) {
    if (!plausibleYear(Number(value.slice(0, 4)))) throw implausible(value);
    return value;
  }
  throw new HubError('BAD_USER_INPUT', t`${shown(value)} is not a date; write it as YYYY-MM-DD.`);
}

function dateTimeValue(value: unknown): Date {
  const d = typeof value === 'string' ? parseDateTime(value) : null;
  if (!d) throw new HubError('BAD_USER_INPUT', t`${shown(value)} is not a date and time; write it as ISO 8601 with an offset, e.g. 2026-03-02T09:30:00+01:00.`);
  if (!plausibleYear(Number(String(value).slice(0, 4)))) throw implausible(value);
  return d;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date in Europe/Stockholm, written YYYY-MM-DD.',
  serialize: (v) => {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === 'string' && isCalendarDate(v)) return v;
    throw new TypeError('Date cannot represent this value');
  },
  parseValue: dateValue,
  parseLiteral: (ast) => dateValue(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, written ISO 8601 with the Europe/Stockholm offset.',
  serialize: (v) => {
    const d = v instanceof Date ? v : typeof v === 'string' ? parseDateTime(v) : null;
    if (!d) throw new TypeError('DateTime cannot represent this value');
    return formatStockholm(d);
  },
  parseValue: dateTimeValue,
  parseLiteral: (ast) => dateTimeValue(ast.kind === Kind.STRING ? ast.value : undefined),
});
