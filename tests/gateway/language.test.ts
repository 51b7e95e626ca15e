/**
 * Messages in Swedish and English through the gateway (services/shared/src/i18n.ts): a caller
 * without Accept-Language, or preferring Swedish, reads Swedish; one preferring English reads
 * English; extensions.code and extensions.field are the same in both. The subgraphs answer in
 * the language the gateway forwards, signed with the request; timeline notes and indicator labels
 * are written in the reader's language, a timeline note stored before notes were messages as it
 * was written.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hub, subgraphRequest, tokenFor, withSql, type As } from '../helpers/hub.ts';
import { BOOK, caseworker1980, coordinator19, GET, referralInput, SUBMIT } from '../helpers/withdrawal.ts';

const CLOCK = '2026-03-02T10:15:00+01:00';
const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'], name: 'Vera Västerås' };

/** A request to the gateway with exactly these headers: no Accept-Language unless `language` is given. */
async function ask(query: string, variables: Record<string, unknown>, as: As | null, language?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-hub-clock': CLOCK };
  if (as) headers.authorization = `Bearer ${await tokenFor(as)}`;
  if (language !== undefined) headers['accept-language'] = language;
  const res = await fetch(hub().gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

const errorsOf = (body: { errors?: Array<{ message: string; extensions: Record<string, unknown> }> }) =>
  (body.errors ?? []).map((e) => ({ message: e.message, code: e.extensions.code, field: e.extensions.field }));

const INDICATORS = `query($from: Date!, $to: Date!) { council(id: "council:regional-19") { indicators(from: $from, to: $to) {
  municipality { key label } psychiatry { key label } } } }`;

describe('the language of the answers', () => {
  it('refuses the same bad input in Swedish by default and in English to a caller preferring it, with the same code and field', async () => {
    const period = { from: '2033-03-01', to: '2033-02-01' };
    const swedish = [{ message: 'Perioden måste sluta samma dag som den börjar eller senare.', code: 'BAD_USER_INPUT', field: 'to' }];
    const english = [{ message: 'The period must end on or after the day it starts.', code: 'BAD_USER_INPUT', field: 'to' }];
    expect(errorsOf((await ask(INDICATORS, period, member1980)).body)).toEqual(swedish);
    expect(errorsOf((await ask(INDICATORS, period, member1980, 'sv-SE,sv;q=0.9')).body)).toEqual(swedish);
    expect(errorsOf((await ask(INDICATORS, period, member1980, 'de-DE,de;q=0.9')).body)).toEqual(swedish);
    expect(errorsOf((await ask(INDICATORS, period, member1980, 'en')).body)).toEqual(english);
    expect(errorsOf((await ask(INDICATORS, period, member1980, 'en-GB,en;q=0.9,sv;q=0.5')).body)).toEqual(english);
    expect(errorsOf((await ask(INDICATORS, period, member1980, 'sv;q=0.3, en-US;q=0.7')).body)).toEqual(english);
  });

  it('answers every invalid field of one input in the language asked for, each with its field', async () => {
    const input = referralInput({ caseworker: { name: 'Anna Svensson', phone: '12', email: 'inte-en-adress' } });
    const sv = await ask(SUBMIT, { input }, caseworker1980);
    const en = await ask(SUBMIT, { input }, caseworker1980, 'en');
    expect(errorsOf(sv.body)).toEqual([
      {
        message: 'Handläggarens telefonnummer måste vara 7 till 15 siffror, t.ex. 021-17 44 13 eller +46 21 17 44 13.',
        code: 'BAD_USER_INPUT',
        field: 'input.caseworker.phone',
      },
      { message: 'Handläggarens e-postadress är inte giltig, t.ex. namn@kommun.se.', code: 'BAD_USER_INPUT', field: 'input.caseworker.email' },
    ]);
    expect(errorsOf(en.body)).toEqual([
      {
        message: "The caseworker's phone number must be 7 to 15 digits, e.g. 021-17 44 13 or +46 21 17 44 13.",
        code: 'BAD_USER_INPUT',
        field: 'input.caseworker.phone',
      },
      { message: "The caseworker's e-mail address is not valid, e.g. name@kommun.se.", code: 'BAD_USER_INPUT', field: 'input.caseworker.email' },
    ]);
  });

  it("writes the gateway's own refusals in the language asked for", async () => {
    const sv = await ask('{ me { userId } }', {}, null);
    const en = await ask('{ me { userId } }', {}, null, 'en');
    expect([sv.status, errorsOf(sv.body)]).toEqual([
      401,
      [{ message: 'Logga in: skicka rubriken "Authorization: Bearer <token>".', code: 'UNAUTHENTICATED', field: undefined }],
    ]);
    expect([en.status, errorsOf(en.body)]).toEqual([
      401,
      [{ message: 'Sign in: send an "Authorization: Bearer <token>" header.', code: 'UNAUTHENTICATED', field: undefined }],
    ]);
  });

  it("writes a timeline note in the reader's language, and a note stored as text as it was written", async () => {
    const created = await ask(SUBMIT, { input: referralInput() }, caseworker1980, 'en');
    const id = created.body.data.submitWithdrawalReferral.id as string;
    const booked = await ask(BOOK, { id, at: '2026-03-16T13:00:00+01:00' }, coordinator19, 'en');
    expect(booked.body.errors).toBeUndefined();
    await withSql(
      'psychiatry',
      (sql) =>
        sql`insert into withdrawal_referral_event (id, referral_id, at, kind, by_name, by_organisation_id, note)
          values (${randomUUID()}, ${id}, '2026-03-03T09:00:00+01:00', 'AMENDED', 'Maria Berg', 'psychiatry:19', 'En anteckning skriven före språken.')`,
    );
    const notes = async (language?: string) =>
      ((await ask(GET, { id }, caseworker1980, language)).body.data.withdrawalReferral.events as Array<{ kind: string; note: string | null }>).map((e) => [
        e.kind,
        e.note,
      ]);
    expect(await notes()).toEqual([
      ['SUBMITTED', null],
      ['MEETING_BOOKED', 'Bedömnings- och planeringsmöte den 2026-03-16 13:00.'],
      ['AMENDED', 'En anteckning skriven före språken.'],
    ]);
    expect(await notes('en')).toEqual([
      ['SUBMITTED', null],
      ['MEETING_BOOKED', 'Assessment and planning meeting on 2026-03-16 13:00.'],
      ['AMENDED', 'En anteckning skriven före språken.'],
    ]);
    // what is stored is the message, not its words in one language
    const [stored] = await withSql(
      'psychiatry',
      (sql) => sql`select note from withdrawal_referral_event where referral_id = ${id} and kind = 'MEETING_BOOKED'`,
    );
    expect(JSON.parse(String(stored!.note).slice(1))).toEqual({ key: 'Assessment and planning meeting on {0}.', params: ['2026-03-16 13:00'] });
  });

  it('labels the indicators of every subgraph in the language asked for', async () => {
    const period = { from: '2033-03-01', to: '2033-04-30' };
    const labels = async (language?: string) => {
      const res = await ask(INDICATORS, period, member1980, language);
      expect(res.body.errors).toBeUndefined();
      const { municipality, psychiatry } = res.body.data.council.indicators as Record<string, Array<{ key: string; label: string }>>;
      return [municipality!.find((i) => i.key === 'plans.drawnUp')?.label, psychiatry!.find((i) => i.key === 'withdrawal.requestsReceived')?.label];
    };
    expect(await labels()).toEqual(['Upprättade samordnade individuella planer (SIP)', 'Mottagna begäranden om abstinensvård']);
    expect(await labels('en')).toEqual(['Joint care plans drawn up', 'Requests for withdrawal treatment received']);
  });

  it('refuses a subgraph request whose Accept-Language was changed after the gateway signed it', async () => {
    const query = '{ wards { id } }';
    const signed = await subgraphRequest('psychiatry', query, { as: coordinator19, headers: { 'accept-language': 'en' } });
    expect(signed.status).toBe(200);
    const changed = await subgraphRequest('psychiatry', query, { as: coordinator19, headers: { 'accept-language': 'en' }, after: { 'accept-language': 'sv' } });
    expect([changed.status, changed.body.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(changed.body.errors?.[0]?.message).toBe('Tjänsten tar bara emot förfrågningar från navets gateway (signaturen är fel).');
  });
});

describe('the language of a subscription over WebSocket', () => {
  /** a subscription with a bad `after`, over a WebSocket: its one error (code, field, message) */
  async function refusedOverWebSocket(params: Record<string, string>, upgradeHeaders: Record<string, string> = {}) {
    const { createClient } = await import('graphql-ws');
    const { default: WebSocket } = await import('ws');
    const token = await tokenFor(caseworker1980);
    class WithHeaders extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: upgradeHeaders });
      }
    }
    const client = createClient({
      url: hub().gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WithHeaders,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}`, ...params },
    });
    try {
      return await new Promise<{ message: string; code: unknown; field: unknown }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
        client.subscribe(
          { query: 'subscription($after: ID) { psychiatryNotifications(after: $after) { id } }', variables: { after: 'municipality:3' } },
          {
            next: (r) => {
              clearTimeout(timer);
              const e = (r.errors ?? [])[0];
              if (e) resolve({ message: e.message, code: e.extensions?.code, field: e.extensions?.field });
              else reject(new Error('no error'));
            },
            error: (err: unknown) => {
              clearTimeout(timer);
              const e = (Array.isArray(err) ? err[0] : err) as { message: string; extensions?: Record<string, unknown> };
              resolve({ message: e.message, code: e.extensions?.code, field: e.extensions?.field });
            },
            complete: () => undefined,
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  const swedish = {
    message: 'after måste vara ett notis-id från den här delgrafen, t.ex. psychiatry:42 (fick "municipality:3").',
    code: 'BAD_USER_INPUT',
    field: 'after',
  };
  const english = {
    message: 'after must be a notification id of this subgraph, e.g. psychiatry:42 (got "municipality:3").',
    code: 'BAD_USER_INPUT',
    field: 'after',
  };

  it('answers in Swedish by default, in English when the connection_init payload or the upgrade request prefers it', async () => {
    expect(await refusedOverWebSocket({})).toEqual(swedish);
    expect(await refusedOverWebSocket({ 'accept-language': 'en' })).toEqual(english);
    expect(await refusedOverWebSocket({}, { 'accept-language': 'en-GB,en;q=0.9' })).toEqual(english);
    expect(await refusedOverWebSocket({ 'accept-language': 'sv' }, { 'accept-language': 'en' })).toEqual(swedish);
  });
});
