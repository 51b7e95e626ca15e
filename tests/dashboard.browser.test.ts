/**
 * The council dashboard in a real browser: headless Chromium (the system's,
 * or the one @sparticuz/chromium ships: tests/helpers/browser.ts) driven by
 * playwright-core against the test stack's gateway.
 *
 * The test seeds its own joint care plans through the API in a period no
 * other test uses (September–November 2041, via the x-hub-clock header) for
 * Västerås's local council, signs in through the development picker as the
 * Västmanland psychiatry council member, picks the council and the period,
 * and reads the chart, the tables, the month-by-month trend and the
 * agreements; switches language; and checks that a Stockholm member does
 * not get Västmanland's councils to choose from. That gateway enforces trusted
 * documents (HUB_TRUSTED_DOCUMENTS_MODE=enforce, no partner's document at all):
 * the page sends only the hashes of the hub's own documents
 * (gateway/dashboard/documents/), and an arbitrary query is refused.
 *
 * The fixture, by hand (social services' section, rules in services/shared/src/indicators.ts):
 *   September: 7 women (7 signed by the individual), 5 men (3 signed)
 *   October:   no women,                             6 men (5 signed)
 *   (each gender's count is 0 or at least 5 in every month, so the period's can be published
 *   under the rule against differencing between periods)
 *   November:  nothing
 *   whole period: drawn up 18 = 7 women + 11 men, all published;
 *     signed 15/18 (3 did not sign: suppressed), women 7/7 (published:
 *     nothing derives it once the total is hidden), men 8/11 (3: suppressed);
 *     follow-ups and contract care: none due, 0 / 0, no value.
 *   by month, drawn up: 12, 6, 0; signed: 10/12 and 5/6 are suppressed
 *     (complements 2 and 1), November has no plans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadGatewayConfig } from '../services/shared/src/env.ts';
import { startGateway, type RunningGateway } from '../gateway/src/server.ts';
import { signToken } from '../services/shared/src/issuer.ts';
import { launchBrowser } from './helpers/browser.ts';
import { gql, hub, tokenFor, type As } from './helpers/hub.ts';
import { personnummer } from './helpers/people.ts';
import { recordConsent } from './helpers/plans.ts';

const caseworker: As = { org: 'municipality:1980', roles: ['CASEWORKER'], name: 'Vilma Västerås' };
const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'], name: 'Vera Västerås' };
const run = randomBytes(3).toString('hex');
const overdueTitle = `Överenskommelse ${run} (gammal)`;
const currentTitle = `Överenskommelse ${run} (gällande)`;
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);

async function plan(gender: 'WOMEN' | 'MEN', clock: string, signed: boolean) {
  const pnr = personnummer(gender);
  const consent = await recordConsent(caseworker, pnr, ['municipality:1980', 'psychiatry:19'], undefined, clock);
  const res = await gql(
    'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
    {
      i: {
        kind: 'SIP',
        personnummer: pnr,
        consentId: consent.id,
        goals: ['Stabilt boende'],
        participants: [
          { role: 'individual', name: 'Klienten' },
          { organisationId: 'municipality:1980', role: 'caseworker', name: 'Vilma' },
          { organisationId: 'psychiatry:19', role: 'coordinator', name: 'Sixten' },
        ],
        followUpOn: '2042-06-01',
      },
    },
    { as: caseworker, clock },
  );
  expect(res.errors).toBeUndefined();
  if (signed) {
    const sign = await gql(
      'mutation($id: ID!) { signJointCarePlan(id: $id, version: 1, signedBy: "N N", asIndividual: true) { id } }',
      { id: res.data!.createJointCarePlan.id },
      { as: caseworker, clock },
    );
    expect(sign.errors).toBeUndefined();
  }
}

/** The sections of IndicatorReport that the gateway's schema offers, in the page's order. */
function sectionsInSchema(): string[] {
  const sdl = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
  const body = /type IndicatorReport[^{]*\{([\s\S]*?)\n\}/.exec(sdl)![1]!;
  return ['municipality', 'psychiatry', 'probation', 'clinics'].filter((s) => new RegExp(`^\\s+${s}: \\[Indicator!\\]!`, 'm').test(body));
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').replace(/\u00a0|\u202f/g, ' ').trim();
const row = (key: string, col: string) => `table[data-section="municipality"] tr[data-key="${key}"] td[data-col="${col}"]`;

describe('the council dashboard in Chromium', () => {
  let browser: Browser;
  let enforcing: RunningGateway;
  let manifests: string;
  const outside: string[] = [];
  const problems: string[] = [];
  /** the body of every GraphQL request the page sent */
  const sent: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const clock = (month: number, day: number) => `2041-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00+02:00`;
    const seeds: Array<Promise<void>> = [];
    for (let i = 0; i < 7; i++) seeds.push(plan('WOMEN', clock(9, i + 2), true));
    for (let i = 0; i < 5; i++) seeds.push(plan('MEN', clock(9, i + 10), i < 3));
    for (let i = 0; i < 6; i++) seeds.push(plan('MEN', clock(10, i + 10), i < 5));
    await Promise.all(seeds);
    for (const [title, validFrom, reviewBy] of [
      [overdueTitle, '2024-01-01', '2025-12-31'],
      [currentTitle, '2026-01-01', '2099-12-31'],
    ] as const) {
      const res = await gql(
        'mutation($i: CooperationAgreementInput!) { addCooperationAgreement(councilId: "council:local-1980", input: $i) { id } }',
        { i: { title, jointGoals: ['Ingen ska falla mellan stolarna', 'Gemensam uppföljning'], validFrom, reviewBy } },
        { as: member1980 },
      );
      expect(res.errors).toBeUndefined();
    }
    // a development gateway (the sign-in picker) over this file's subgraphs that enforces trusted documents
    manifests = mkdtempSync(join(tmpdir(), 'hub-browser-trusted-'));
    const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    const env = hub().env;
    enforcing = await startGateway(
      loadGatewayConfig({ ...env, GATEWAY_PORT: '0', HUB_TRUSTED_DOCUMENTS: manifests, HUB_TRUSTED_DOCUMENTS_MODE: 'enforce', ...urls }),
      supergraph,
      { devTokens: (c) => signToken(hub().issuer, { ...c, issuer: env.HUB_JWT_ISSUER!, audience: env.HUB_JWT_AUDIENCE! }) },
    );
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await enforcing?.close();
    if (manifests) rmSync(manifests, { recursive: true, force: true });
  });

  it("signs in through the picker, shows the council's indicators as chart and table, trends, agreements, in Swedish and English", async () => {
    const origin = new URL(enforcing.url).origin;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE' });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(`${origin}/`)) outside.push(r.url());
      if (r.url() === `${origin}/graphql`) sent.push(r.postDataJSON() as Record<string, unknown>);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    await page.goto(`${origin}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(page.url()).toBe(`${origin}/dashboard/`);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(await text(page, 'h1')).toBe('Samrådens uppföljning');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('dashboard-sign-in.png', ARTIFACTS).pathname });

    expect(await page.isVisible('#dev-form')).toBe(true);
    expect(await page.isVisible('#whoami')).toBe(false);
    expect(await page.isVisible('#choose')).toBe(false);

    // sign in as the Västmanland psychiatry council member
    await page.selectOption('#dev-member', 'psychiatry:19');
    await page.click('#dev-form button[type="submit"]');
    await page.waitForSelector('#choose:not([hidden])');
    expect(await text(page, '#whoami-name')).toBe('Samrådsledamot, Vuxenpsykiatri Västmanland, beroendesektionen');
    expect(await page.locator('#council option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'council:local-1980',
      'council:regional-19',
    ]);
    // the token stays in this tab (sessionStorage), never in localStorage or a cookie
    expect(await page.evaluate(() => [localStorage.length, document.cookie, sessionStorage.getItem('hub.dashboard.token')?.split('.').length])).toEqual([
      0,
      '',
      3,
    ]);

    // the council and the period
    await page.selectOption('#council', 'council:local-1980');
    await page.fill('#from', '2041-09-01');
    await page.fill('#to', '2041-11-30');
    expect(await page.inputValue('#preset')).toBe('custom');
    await page.click('#choose-form button[type="submit"]');
    await page.waitForSelector('#report[data-state="ready"], #report[data-state="error"]', { state: 'attached' });
    expect(await text(page, '#alert')).toBe('');
    expect(await page.getAttribute('#report', 'data-state')).toBe('ready');
    expect(await text(page, '#council-name')).toBe('Lokalt samråd Västerås');
    expect(await text(page, '[data-period]')).toBe('2041-09-01 – 2041-11-30');

    // every section the schema offers, in order, each with its table
    const sections = sectionsInSchema();
    expect(sections[0]).toBe('municipality');
    expect(await page.locator('section.indicator-section').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-section')))).toEqual(sections);
    expect(await page.locator('section.indicator-section table.indicators').count()).toBe(sections.length);
    expect(await text(page, '#section-municipality h2')).toBe('Socialtjänsten');

    // the social-services table, exactly
    expect(await page.locator('table[data-section="municipality"] thead th').allTextContents()).toEqual([
      'Indikator',
      'Värde',
      'Täljare / nämnare',
      'Kvinnor',
      'Män',
    ]);
    expect(await text(page, 'tr[data-key="plans.drawnUp"] th')).toBe('Upprättade samordnade vårdplaner');
    expect([
      await text(page, row('plans.drawnUp', 'value')),
      await text(page, row('plans.drawnUp', 'fraction')),
      await text(page, row('plans.drawnUp', 'WOMEN')),
      await text(page, row('plans.drawnUp', 'MEN')),
    ]).toEqual(['18', '', '7', '11']);
    expect([
      await text(page, row('plans.signedByIndividual', 'value')),
      await text(page, row('plans.signedByIndividual', 'fraction')),
      await text(page, row('plans.signedByIndividual', 'WOMEN')),
      await text(page, row('plans.signedByIndividual', 'MEN')),
    ]).toEqual(['< 5*', '', '100 % (7 / 7)', '< 5*']);
    // suppressed cells say so (not blank, not zero), and point to the explanation
    expect(await page.getAttribute(row('plans.signedByIndividual', 'MEN'), 'data-suppressed')).toBe('true');
    expect(await page.getAttribute(row('plans.signedByIndividual', 'value'), 'data-suppressed')).toBe('true');
    expect(await page.getAttribute(`${row('plans.signedByIndividual', 'MEN')} a`, 'href')).toBe('#suppression-note');
    expect(await text(page, '#suppression-note')).toContain('det bygger på 1–4 personer');
    expect([
      await text(page, row('plans.followedUpInTime', 'value')),
      await text(page, row('plans.followedUpInTime', 'fraction')),
      await text(page, row('plans.followedUpInTime', 'WOMEN')),
    ]).toEqual(['–', '0 / 0', '–']);
    expect(await text(page, row('agreements.pastReviewDate', 'WOMEN'))).toBe('ej uppdelat');

    // the bar chart of women and men: one bar per gender, drawn to scale; the suppressed one drawn as such
    const bars = page.locator('#section-municipality svg.bar-chart');
    expect(await bars.getAttribute('role')).toBe('img');
    expect(await bars.locator('title').first().textContent()).toBe('Kvinnor och män per indikator, Socialtjänsten');
    const drawnUp = await bars
      .locator('rect.bar[data-key="plans.drawnUp"]')
      .evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-group'), r.getAttribute('data-value'), r.getAttribute('width')]));
    expect(drawnUp).toEqual([
      ['WOMEN', '7', ((7 / 11) * 470).toFixed(1)],
      ['MEN', '11', '470.0'],
    ]);
    expect(
      await bars
        .locator('rect.bar[data-key="plans.signedByIndividual"]')
        .evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-group'), r.getAttribute('width')])),
    ).toEqual([['WOMEN', '470.0']]);
    expect(
      await bars.locator('rect.bar-suppressed[data-key="plans.signedByIndividual"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-group'))),
    ).toEqual(['MEN']);
    const labels = (await bars.locator('text').allTextContents()).map((l) => l.replace(/\u00a0|\u202f/g, ' '));
    expect(labels).toEqual(expect.arrayContaining(['Upprättade samordnade vårdplaner', 'Kvinnor', 'Män', '7', '11', '100 %', '< 5', 'dolt']));

    // month by month: drawn up 12, 6, 0; signed suppressed in September and October, no plans in November
    const trend = page.locator('svg.trend-chart[data-key="plans.drawnUp"]');
    expect(await trend.locator('circle.point').evaluateAll((cs) => cs.map((c) => [c.getAttribute('data-month'), c.getAttribute('data-value')]))).toEqual([
      ['2041-09', '12'],
      ['2041-10', '6'],
      ['2041-11', '0'],
    ]);
    expect(await trend.locator('path.trend-line').count()).toBe(1);
    const signedTrend = page.locator('svg.trend-chart[data-key="plans.signedByIndividual"]');
    expect(await signedTrend.locator('rect.point-suppressed').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-month')))).toEqual(['2041-09', '2041-10']);
    expect(await signedTrend.locator('circle.point').count()).toBe(0);
    expect(
      await page
        .locator('table.trend-table[data-key="plans.drawnUp"] tbody tr')
        .evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => c.textContent?.trim()))),
    ).toEqual([
      ['sep. 2041', '12', ''],
      ['okt. 2041', '6', ''],
      ['nov. 2041', '0', ''],
    ]);

    // the agreements, the overdue one flagged in words, not colour alone
    const agreement = (title: string) => page.locator('.agreements-table tbody tr', { has: page.locator('th', { hasText: title }) });
    expect(await agreement(overdueTitle).locator('td').allTextContents()).toEqual([
      'Ingen ska falla mellan stolarnaGemensam uppföljning',
      '2024-01-01',
      '2025-12-31',
      '! Omprövningsdatum passerat',
    ]);
    expect(await agreement(currentTitle).locator('td').allTextContents()).toEqual([
      'Ingen ska falla mellan stolarnaGemensam uppföljning',
      '2026-01-01',
      '2099-12-31',
      'Inom omprövningsdatum',
    ]);
    expect(await agreement(overdueTitle).locator('td[data-col="status"]').getAttribute('data-overdue')).toBe('true');

    await page.screenshot({ path: new URL('dashboard.png', ARTIFACTS).pathname, fullPage: true });

    // English, and back
    await page.selectOption('#lang', 'en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(page, 'h1')).toBe('Council follow-up');
    expect(await text(page, '#section-municipality h2')).toBe('Social services');
    expect(await text(page, 'label[for="council"]')).toBe('Council');
    expect(await page.locator('table[data-section="municipality"] thead th').allTextContents()).toEqual([
      'Indicator',
      'Value',
      'Numerator / denominator',
      'Women',
      'Men',
    ]);
    expect(await text(page, 'tr[data-key="plans.drawnUp"] th')).toBe('Joint care plans drawn up');
    expect(await text(page, row('plans.signedByIndividual', 'WOMEN'))).toBe('100% (7 / 7)');
    expect(await text(page, `${'.agreements-table'} td[data-overdue="true"]`)).toBe('! Review date passed');
    await page.screenshot({ path: new URL('dashboard-en.png', ARTIFACTS).pathname, fullPage: true });
    await page.selectOption('#lang', 'sv');
    expect(await text(page, 'label[for="council"]')).toBe('Samråd');
    expect(await text(page, 'tr[data-key="plans.drawnUp"] th')).toBe('Upprättade samordnade vårdplaner');

    // the last 12 months: twelve months in one request of twelve aliased indicators(from, to) (within the gateway's limits)
    await page.selectOption('#preset', 'last12');
    await page.click('#choose-form button[type="submit"]');
    await page.waitForSelector('#report[data-state="ready"] table.trend-table[data-key="plans.drawnUp"] tbody tr:nth-child(12)', { state: 'attached' });
    expect(await text(page, '#alert')).toBe('');
    expect(await page.locator('table.trend-table[data-key="plans.drawnUp"] tbody tr').count()).toBe(12);

    // a Stockholm member does not get Västmanland's councils to choose from
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.evaluate(() => sessionStorage.getItem('hub.dashboard.token'))).toBeNull();
    expect(await page.locator('#report').innerHTML()).toBe('');
    await page.selectOption('#dev-member', 'municipality:0180');
    await page.click('#dev-form button[type="submit"]');
    await page.waitForSelector('#choose:not([hidden])');
    expect(await page.locator('#council option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'council:local-0180',
      'council:regional-01',
    ]);

    // nothing was fetched from anywhere but the hub, and the page logged no error (a CSP violation would be one)
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);

    // every GraphQL request was one of the hub's own documents by its hash, never a document's text
    const documents = JSON.parse(
      /export const DOCUMENTS = (\{[\s\S]*\});/.exec(await (await fetch(`${origin}/dashboard/operations.js`)).text())![1]!,
    ) as Record<string, string>;
    expect(new Set(sent.map((b) => b.operationName))).toEqual(new Set(['Councils', 'CouncilReport', 'CouncilMonths']));
    for (const body of sent) {
      expect(Object.keys(body).sort()).toEqual(['extensions', 'operationName', 'variables']);
      expect(body.extensions).toEqual({ persistedQuery: { version: 1, sha256Hash: documents[body.operationName as string] } });
    }
    // and this gateway refuses anything else
    const token = await page.evaluate(() => sessionStorage.getItem('hub.dashboard.token'));
    const arbitrary = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ councils { id } }' }),
    });
    expect(arbitrary.status).toBe(400);
    expect(((await arbitrary.json()) as { errors: Array<{ extensions: { code: string } }> }).errors.map((e) => e.extensions.code)).toEqual([
      'PERSISTED_QUERY_REQUIRED',
    ]);
    await context.close();
  }, 90_000);

  it('in a production-mode gateway: no picker; a pasted token signs in', async () => {
    const supergraph = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    const gateway = await startGateway(loadGatewayConfig({ ...hub().env, HUB_MODE: 'production', GATEWAY_PORT: '0', ...urls }), supergraph);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${new URL(gateway.url).origin}/dashboard/`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.isVisible('#dev-form')).toBe(false);
      expect(await page.isVisible('#token-form')).toBe(true);
      expect(await page.isVisible('#whoami')).toBe(false);
      // a token that is not one: the API refuses it, the page says so and asks again
      await page.fill('#token', 'not-a-token');
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector('#alert:not([hidden])');
      expect(await text(page, '#alert')).toBe('Din token godtogs inte (ogiltig eller utgången). Logga in igen.');
      expect(await page.isVisible('#token-form')).toBe(true);
      // the same token as the API, pasted with its "Bearer " prefix
      await page.fill('#token', `Bearer ${await tokenFor({ org: 'municipality:0180', roles: ['COUNCIL_MEMBER'], name: 'Stina Ståhl' })}`);
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector('#choose:not([hidden])');
      expect(await text(page, '#whoami-name')).toBe('Stina Ståhl');
      expect(await text(page, '#alert')).toBe('');
      expect(await page.locator('#council option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
        'council:local-0180',
        'council:regional-01',
      ]);
      // a caseworker's token is refused with a readable message
      await page.click('#sign-out');
      await page.fill('#token', await tokenFor({ org: 'municipality:0180', roles: ['CASEWORKER'] }));
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector('#alert:not([hidden])');
      expect(await text(page, '#alert')).toBe('Din roll får inte läsa samrådens uppföljning (det krävs rollen samrådsledamot).');
      expect(await page.isVisible('#token-form')).toBe(true);
      expect(await page.evaluate(() => sessionStorage.getItem('hub.dashboard.token'))).toBeNull();
    } finally {
      await context.close();
      await gateway.close();
    }
  }, 60_000);
});
