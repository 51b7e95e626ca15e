/**
 * What the gateway works out once instead of on every request still decides as before: the input
 * rules of an operation without variables (kept with its parsed document), the signature made
 * with the key prepared once (a subgraph's verifier accepts it, and only for what it covers).
 */
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationInputProblems } from '../../gateway/src/input-rules.ts';
import { SignatureVerifier, signingKey, signRequest, type SignedRequest } from '../../services/shared/src/signing.ts';

/** A value as it is sent: each message written out (in English, as the tests ask). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

const schema = buildSchema(`type Query { find(name: String, note: String): String }`);

describe('input rules at the gateway', () => {
  it('finds the problems of an operation without variables once, and the same ones', () => {
    const found = new WeakMap();
    const document = parse(`{ find(name: "a\\u0000b") }`);
    const first = operationInputProblems(found, { schema, document, operationName: undefined, variableValues: {} });
    expect(plain(first)).toEqual([{ field: 'name', message: 'contains a control character; remove it.' }]);
    const again = operationInputProblems(found, { schema, document, operationName: undefined, variableValues: { ignored: 'x' } });
    expect(again).toBe(first);
    // another schema (a reloaded supergraph) is worked out again
    const other = buildSchema(`type Query { find(name: String, note: String): String }`);
    const elsewhere = operationInputProblems(found, { schema: other, document, operationName: undefined, variableValues: {} });
    expect(elsewhere).not.toBe(first);
    expect(plain(elsewhere)).toEqual(plain(first));
  });

  it('keeps each operation of a document apart', () => {
    const found = new WeakMap();
    const document = parse(`query Good { find(name: "fine") } query Bad { find(note: "x\\u0001") }`);
    expect(plain(operationInputProblems(found, { schema, document, operationName: 'Good', variableValues: {} }))).toEqual([]);
    expect(plain(operationInputProblems(found, { schema, document, operationName: 'Bad', variableValues: {} }))).toEqual([
      { field: 'note', message: 'contains a control character; remove it.' },
    ]);
    expect(plain(operationInputProblems(found, { schema, document, operationName: 'Good', variableValues: {} }))).toEqual([]);
  });

  it('checks an operation with variables on every request, by its variables', () => {
    const found = new WeakMap();
    const document = parse(`query Q($n: String) { find(name: $n) }`);
    expect(plain(operationInputProblems(found, { schema, document, operationName: 'Q', variableValues: { n: 'fine' } }))).toEqual([]);
    expect(plain(operationInputProblems(found, { schema, document, operationName: 'Q', variableValues: { n: 'x'.repeat(201) } }))).toEqual([
      { field: 'name', message: 'is 201 characters long; at most 200 are allowed.' },
    ]);
    expect(plain(operationInputProblems(found, { schema, document, operationName: 'Q', variableValues: { n: 'fine again' } }))).toEqual([]);
  });
});

describe('signatures made with the prepared key', () => {
  const secret = 'a-gateway-secret-of-the-test-0123456789';
  const request: SignedRequest = { method: 'POST', target: 'psychiatry', path: '/graphql', body: '{"query":"{ a }"}', authorization: 'Bearer abc' };
  const headersOf = (signed: Record<string, string>, extra: Record<string, string> = {}) => ({ ...signed, authorization: 'Bearer abc', ...extra });

  it('are accepted by a subgraph that has the secret, as the secret text signs them', () => {
    const verifier = new SignatureVerifier(secret, 'psychiatry', 60_000);
    const byKey = signRequest(signingKey(secret), request);
    const byText = signRequest(secret, request);
    expect(plain(verifier.verify('POST', '/graphql', headersOf(byKey), request.body))).toEqual({ ok: true });
    expect(plain(verifier.verify('POST', '/graphql', headersOf(byText), request.body))).toEqual({ ok: true });
    // and once only: the nonce is used up
    expect(plain(verifier.verify('POST', '/graphql', headersOf(byKey), request.body))).toEqual({
      ok: false,
      reason: 'The request was already received once (replay refused).',
    });
  });

  it('cover the body, the token, the clock and the subgraph', () => {
    const signed = signRequest(signingKey(secret), { ...request, clock: '2026-05-01' });
    const wrong = { ok: false, reason: 'This service accepts requests from the hub gateway only (the signature is wrong).' };
    const v = () => new SignatureVerifier(secret, 'psychiatry', 60_000);
    expect(plain(v().verify('POST', '/graphql', headersOf(signed, { 'x-hub-clock': '2026-05-01' }), request.body))).toEqual({ ok: true });
    expect(plain(v().verify('POST', '/graphql', headersOf(signed), request.body))).toEqual(wrong);
    expect(plain(v().verify('POST', '/graphql', headersOf(signed, { 'x-hub-clock': '2026-05-01' }), '{"query":"{ b }"}'))).toEqual(wrong);
    expect(
      plain(v().verify('POST', '/graphql', { ...headersOf(signed, { 'x-hub-clock': '2026-05-01' }), authorization: 'Bearer other' }, request.body)),
    ).toEqual(wrong);
    expect(
      plain(new SignatureVerifier(secret, 'probation', 60_000).verify('POST', '/graphql', headersOf(signed, { 'x-hub-clock': '2026-05-01' }), request.body)),
    ).toEqual(wrong);
    expect(
      plain(
        new SignatureVerifier(`${secret}x`, 'psychiatry', 60_000).verify('POST', '/graphql', headersOf(signed, { 'x-hub-clock': '2026-05-01' }), request.body),
      ),
    ).toEqual(wrong);
  });

  it('treat a request without a token as one with an empty token, as before', () => {
    const bare: SignedRequest = { method: 'POST', target: 'psychiatry', path: '/graphql', body: '' };
    const signed = signRequest(signingKey(secret), bare);
    expect(plain(new SignatureVerifier(secret, 'psychiatry', 60_000).verify('POST', '/graphql', { ...signed }, ''))).toEqual({ ok: true });
    expect(plain(new SignatureVerifier(secret, 'psychiatry', 60_000).verify('POST', '/graphql', { ...signed, authorization: 'Bearer x' }, ''))).toEqual({
      ok: false,
      reason: 'This service accepts requests from the hub gateway only (the signature is wrong).',
    });
  });
});
