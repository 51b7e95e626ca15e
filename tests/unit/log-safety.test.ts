/** What of an error reaches a log line (services/shared/src/log-safety.ts): never a statement, its parameters or a row. */
import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { safeError, scrubMessage } from '../../services/shared/src/log-safety.ts';
import { createLogger } from '../../services/shared/src/logger.ts';
import { createErrorFormatter } from '../../services/shared/src/errors.ts';

const PERSONNUMMER = '191212121212';
const NAME = 'Tolvan Tolvansson';
const STATEMENT = 'insert into "withdrawal_referral" ("personnummer", "name", "current_problems") values ($1, $2, $3)';

function uniqueViolation() {
  const pg = new postgres.PostgresError({
    severity: 'ERROR',
    code: '23505',
    message: `duplicate key value violates unique constraint "withdrawal_referral_idem"`,
    detail: `Key (personnummer)=(${PERSONNUMMER}) already exists.`,
    table_name: 'withdrawal_referral',
    constraint_name: 'withdrawal_referral_idem',
    routine: '_bt_check_unique',
  } as unknown as ConstructorParameters<typeof postgres.PostgresError>[0]);
  Object.assign(pg, { query: STATEMENT, parameters: [PERSONNUMMER, NAME, 'sover inte'] });
  return new DrizzleQueryError(STATEMENT, [PERSONNUMMER, NAME, 'sover inte'], pg);
}

/** Everything a logger writes, as one string. */
function collect() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('safeError', () => {
  it('summarises a database error by code, constraint, table and routine only', () => {
    const summary = safeError(uniqueViolation());
    expect({ ...summary, frames: undefined }).toEqual({
      type: 'DatabaseError',
      message: 'the database refused a statement',
      code: '23505',
      constraint: 'withdrawal_referral_idem',
      table: 'withdrawal_referral',
      routine: '_bt_check_unique',
      frames: undefined,
    });
    expect(JSON.stringify(summary)).not.toMatch(/1912|Tolvan|sover|insert|values/);
  });

  it('a statement that failed before the server answered says only that', () => {
    const driver = Object.assign(new Error(`UNDEFINED_VALUE: Undefined values are not allowed`), { code: 'UNDEFINED_VALUE' });
    const summary = safeError(new DrizzleQueryError(STATEMENT, [PERSONNUMMER, NAME], driver));
    expect(summary).toMatchObject({ type: 'DatabaseError', message: 'a statement failed before the database answered', code: 'UNDEFINED_VALUE' });
    expect(JSON.stringify(summary)).not.toMatch(/1912|Tolvan|insert/);
  });

  it.each([
    [`Person "${NAME}" not found`, 'Person "…" not found'],
    [`no row for ${PERSONNUMMER}`, 'no row for …'],
    ['a\u0000b\ud800c', 'a b c'],
    ['x'.repeat(300), `${'x'.repeat(200)}…`],
  ])('any other message is scrubbed: %j', (message, scrubbed) => {
    expect(scrubMessage(message)).toBe(scrubbed);
    expect(safeError(new TypeError(message))).toMatchObject({ type: 'TypeError', message: scrubbed });
  });
});

describe('the logger', () => {
  it('logs an error given as err or error by its summary, and censors keys that name data', () => {
    const { lines, destination } = collect();
    const log = createLogger('test', 'info', destination);
    log.error({ err: uniqueViolation() }, 'one');
    log.error({ error: uniqueViolation() }, 'two');
    log.warn({ personnummer: PERSONNUMMER, variables: { name: NAME }, attrs: { query: STATEMENT, parameters: [PERSONNUMMER] } }, 'three');
    expect(lines).toHaveLength(3);
    const text = lines.join('');
    expect(text).not.toMatch(/1912|Tolvan|sover|insert/);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'DatabaseError', code: '23505', table: 'withdrawal_referral' });
    expect(JSON.parse(lines[2]!)).toMatchObject({
      personnummer: '[redacted]',
      variables: '[redacted]',
      attrs: { query: '[redacted]', parameters: '[redacted]' },
    });
  });

  it("the formatter logs a masked error's summary and path, and answers INTERNAL_SERVER_ERROR", () => {
    const { lines, destination } = collect();
    const format = createErrorFormatter(createLogger('test', 'info', destination));
    const formatted = format({ message: String(uniqueViolation().message), path: ['submitWithdrawalReferral'] }, uniqueViolation());
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/1912|Tolvan|sover|insert/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, msg: 'internal error', path: ['submitWithdrawalReferral'], err: { code: '23505' } });
  });
});
