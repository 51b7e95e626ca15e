/**
 * The e-mail digest without personal data (optional, per organisation): every
 * HUB_EMAIL_DIGEST_INTERVAL_SECONDS, each organisation named in HUB_EMAIL_DIGEST_ADDRESSES that
 * has new notifications in this subgraph since its last digest gets one mail: "You have N new
 * items in the coordination hub." No names, no record content, no record ids, no kinds.
 *
 * Once per batch, with any number of replicas: the organisation's digest row is locked
 * (SELECT … FOR UPDATE SKIP LOCKED) while its mail is sent, and moved past the batch in the same
 * transaction; a mail that fails rolls back and is tried again at the next interval.
 */
import nodemailer from 'nodemailer';
import type { Sql } from 'postgres';
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import type { EmailConfig, SubgraphName } from './env.ts';
import type { Logger } from './logger.ts';
import { render, t, type Language } from './i18n.ts';

/** Up to which notification each organisation's digest has gone out. */
export const notificationDigest = pgTable('notification_digest', {
  organisationId: text('organisation_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  sentAt: instant('sent_at'),
});

/** An organisation's address has no language of its own: the subject and the text are in Swedish, then in English. */
export const DIGEST_SUBJECT = 'Nya poster i samordningsnavet / New items in the coordination hub';

/** The whole text of a digest: a count, and nothing else about the items; in Swedish, then in English. */
export function digestText(count: number): string {
  const text = (lang: Language) =>
    `${render(count === 1 ? t`You have 1 new item in the coordination hub.` : t`You have ${count} new items in the coordination hub.`, lang)}\n\n` +
    `${render(t`Sign in to the hub to see them. This message holds no information about the items themselves.`, lang)}\n`;
  return `${text('sv')}\n---\n\n${text('en')}`;
}

export interface Digest {
  /** sends every digest due now; the number of mails sent */
  sendNow: () => Promise<number>;
  stop: () => Promise<void>;
}

export function startDigest(subgraph: SubgraphName, pool: Sql, config: EmailConfig, log: Logger): Digest {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
  });
  const organisations = Object.keys(config.addresses);
  const sendNow = async (): Promise<number> => {
    let sent = 0;
    if (organisations.length === 0) return 0;
    // every organisation has a row to lock (new ones start at 0)
    await pool`insert into notification_digest (organisation_id, last_seq)
      select o, 0 from jsonb_array_elements_text(${JSON.stringify(organisations)}::jsonb) o on conflict do nothing`;
    for (const organisationId of organisations) {
      const address = config.addresses[organisationId]!;
      const done = await pool.begin(async (tx) => {
        const [row] = await tx<
          Array<{ last_seq: string }>
        >`select last_seq from notification_digest where organisation_id = ${organisationId} for update skip locked`;
        if (!row) return false; // another replica is sending it
        const [batch] = await tx<Array<{ n: number; max: string | null }>>`
          select count(*)::int as n, max(seq) as max from notification where recipient_organisation_id = ${organisationId} and seq > ${row.last_seq}`;
        if (!batch || batch.n === 0 || batch.max === null) return false;
        await transport.sendMail({ from: config.from, to: address, subject: DIGEST_SUBJECT, text: digestText(batch.n) });
        await tx`update notification_digest set last_seq = ${batch.max}, sent_at = now() where organisation_id = ${organisationId}`;
        return true;
      });
      if (done) sent++;
    }
    return sent;
  };
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    running = sendNow().then(
      (n) => {
        if (n > 0) log.info({ subgraph, mails: n }, 'e-mail digest sent');
      },
      (err: unknown) => log.error({ err }, 'e-mail digest failed; it is tried again at the next interval'),
    );
  }, config.intervalMs);
  timer.unref();
  return {
    sendNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
