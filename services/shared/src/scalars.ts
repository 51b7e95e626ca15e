/** The Date and DateTime scalars of the contract. */
import { GraphQLScalarType, Kind } from 'graphql';
import { formatStockholm, isCalendarDate, parseDateTime } from './time.ts';
import { HubError } from './errors.ts';

function dateValue(value: unknown): string {
  if (typeof value === 'string' && isCalendarDate(value)) return value;
  throw new HubError('BAD_USER_INPUT', `"${String(value)}" is not a date; write it as YYYY-MM-DD.`);
}

function dateTimeValue(value: unknown): Date {
  const d = typeof value === 'string' ? parseDateTime(value) : null;
  if (!d)
    throw new HubError('BAD_USER_INPUT', `"${String(value)}" is not a date and time; write it as ISO 8601 with an offset, e.g. 2026-03-02T09:30:00+01:00.`);
  return d;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date in Europe/Stockholm, written YYYY-MM-DD.',
  serialize: (v) => {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return dateValue(v);
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
