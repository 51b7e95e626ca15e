/**
 * The e-mail digest without personal data, against a local SMTP server the test starts
 * (smtp-server): an organisation with an address configured gets one mail per batch of new
 * notifications, "You have N new items in the coordination hub", with no names, record ids or
 * kinds; nothing again for the same batch; an organisation without an address gets none.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubgraphConfig } from '../../services/shared/src/env.ts';
import { startSubgraph, type RunningSubgraph } from '../../services/shared/src/subgraph.ts';
import { psychiatry } from '../../services/psychiatry/src/server.ts';
import { DIGEST_SUBJECT } from '../../services/shared/src/digest.ts';
import { hub } from '../helpers/hub.ts';
import { psychiatrySql } from '../helpers/withdrawal.ts';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

describe('the e-mail digest', () => {
  const mails: Mail[] = [];
  let smtp: SMTPServer;
  let replica: RunningSubgraph;
  // organisations of this test's own: no other test writes notifications for them
  const on = `digest-on-${randomUUID().slice(0, 8)}`;
  const off = `digest-off-${randomUUID().slice(0, 8)}`;
  const recordId = randomUUID();

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const h = hub();
    replica = await startSubgraph(
      psychiatry.definition,
      loadSubgraphConfig('psychiatry', {
        ...h.env,
        PSYCHIATRY_DATABASE_URL: h.databaseUrls.psychiatry,
        PSYCHIATRY_PORT: '0',
        HUB_SMTP_HOST: '127.0.0.1',
        HUB_SMTP_PORT: String(port),
        HUB_SMTP_FROM: 'hub@region.example',
        HUB_EMAIL_DIGEST_ADDRESSES: JSON.stringify({ [on]: 'socialtjanst@kommun.example' }),
      }),
    );
  });

  afterAll(async () => {
    await replica?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const write = (org: string, n: number) =>
    psychiatrySql(
      (sql) => sql`insert into notification (recipient_organisation_id, recipient_role, kind, record_kind, record_id, created_at)
        select ${org}, 'CASEWORKER', 'PLACE_LAPSED', 'WithdrawalReferral', ${recordId}, now() from generate_series(1, ${n})`,
    );

  // the text part as sent (quoted-printable: soft line breaks joined again)
  const body = (raw: string) =>
    raw
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n\n')
      .replace(/=\r?\n/g, '')
      .replace(/\r\n/g, '\n')
      // quoted-printable bytes (the Swedish letters) back to UTF-8
      .replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replaceAll('=', ''), 'hex').toString('utf8'));

  it('one mail per batch, with the count only', async () => {
    await write(on, 3);
    await write(off, 2);
    expect(await replica.sendDigest()).toBe(1);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.from).toBe('hub@region.example');
    expect(mail!.to).toEqual(['socialtjanst@kommun.example']);
    expect(mail!.raw).toMatch(new RegExp(`^Subject: ${DIGEST_SUBJECT.replace('/', '\\/')}\\r?$`, 'm'));
    expect(body(mail!.raw)).toBe(
      'Du har 3 nya poster i samordningsnavet.\n\nLogga in i navet för att se dem. Meddelandet innehåller inga uppgifter om posterna själva.\n' +
        '\n---\n\n' +
        'You have 3 new items in the coordination hub.\n\nSign in to the hub to see them. This message holds no information about the items themselves.\n',
    );
    for (const personal of [recordId, 'PLACE_LAPSED', 'WithdrawalReferral', 'CASEWORKER', on]) expect(mail!.raw).not.toContain(personal);

    // the same batch is not sent again; the next one is
    expect(await replica.sendDigest()).toBe(0);
    await write(on, 1);
    expect(await replica.sendDigest()).toBe(1);
    expect(body(mails[1]!.raw)).toBe(
      'Du har 1 ny post i samordningsnavet.\n\nLogga in i navet för att se dem. Meddelandet innehåller inga uppgifter om posterna själva.\n' +
        '\n---\n\n' +
        'You have 1 new item in the coordination hub.\n\nSign in to the hub to see them. This message holds no information about the items themselves.\n',
    );
    expect(mails.flatMap((m) => m.to)).toEqual(['socialtjanst@kommun.example', 'socialtjanst@kommun.example']);
  });
});
