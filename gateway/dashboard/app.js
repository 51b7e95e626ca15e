// @ts-check
/**
 * The council dashboard: sign in (the development picker, or a pasted
 * token), choose one of the caller's councils and a period, then read each
 * organisation's section of the quality indicators as a chart and a table,
 * the headline indicators month by month, and the council's agreements.
 *
 * The token lives in memory and in this tab's sessionStorage only.
 */
import * as api from './api.js';
import { genderBarChart, trendChart } from './charts.js';
import { formatFraction, formatValue, indicatorKind } from './figures.js';
import { formatMonth, indicatorLabel, t } from './i18n.js';
import { isDate, monthsOf, presetPeriod, today } from './periods.js';

/** @typedef {import('./i18n.js').Lang} Lang */
/** @typedef {import('./api.js').Indicator} Indicator */
/** @typedef {import('./api.js').TrendIndicator} TrendIndicator */

const TOKEN_KEY = 'hub.dashboard.token';
const NAME_KEY = 'hub.dashboard.name';
const LANG_KEY = 'hub.dashboard.lang';
/** How many indicators of each section the month-by-month view follows. */
const HEADLINES_PER_SECTION = 2;

/**
 * @type {{
 *   lang: Lang, token: string | null, name: string | null,
 *   councils: import('./api.js').CouncilSummary[],
 *   result: { council: import('./api.js').CouncilDetail, report: import('./api.js').Report } | null,
 *   trend: { months: Array<{ month: string, from: string, to: string }>, data: Array<Record<string, TrendIndicator[]>> } | null,
 *   error: { key?: string, message?: string } | null,
 * }}
 */
const state = {
  lang: sessionStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'sv',
  token: sessionStorage.getItem(TOKEN_KEY),
  name: sessionStorage.getItem(NAME_KEY),
  councils: [],
  result: null,
  trend: null,
  error: null,
};

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = {
  lang: /** @type {HTMLSelectElement} */ ($('lang')),
  devForm: /** @type {HTMLFormElement} */ ($('dev-form')),
  devMember: /** @type {HTMLSelectElement} */ ($('dev-member')),
  tokenForm: /** @type {HTMLFormElement} */ ($('token-form')),
  token: /** @type {HTMLTextAreaElement} */ ($('token')),
  choose: /** @type {HTMLFormElement} */ ($('choose-form')),
  council: /** @type {HTMLSelectElement} */ ($('council')),
  preset: /** @type {HTMLSelectElement} */ ($('preset')),
  from: /** @type {HTMLInputElement} */ ($('from')),
  to: /** @type {HTMLInputElement} */ ($('to')),
};

/**
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {Array<Node | string | null | undefined | false>} [children]
 * @returns {HTMLElement}
 */
function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = String(v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

// ------------------------------------------------------------------ texts

function applyStaticTexts() {
  const s = t(state.lang);
  document.documentElement.lang = state.lang;
  document.title = s.title;
  form.lang.value = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) {
    const key = /** @type {keyof typeof s} */ (node.getAttribute('data-i18n'));
    const text = s[key];
    if (typeof text === 'string') node.textContent = text;
  }
}

function showError() {
  const box = $('alert');
  const s = t(state.lang);
  if (!state.error) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  const text = state.error.key ? /** @type {string} */ (s[/** @type {keyof typeof s} */ (state.error.key)]) : (state.error.message ?? '');
  box.textContent = text;
  box.hidden = false;
}

/** @param {{ key?: string, message?: string } | null} error */
function setError(error) {
  state.error = error;
  showError();
}

/** @param {unknown} err */
function fail(err) {
  if (err instanceof api.ApiError) {
    if (err.code === 'UNAUTHENTICATED') {
      signOut();
      setError({ key: 'errExpired' });
    } else if (err.code === 'FORBIDDEN') setError({ key: 'errForbidden' });
    else if (err.code === 'NETWORK') setError({ key: 'errNetwork' });
    else setError({ message: err.message });
  } else setError({ message: String(err) });
  $('report').setAttribute('data-state', 'error');
  $('status').textContent = '';
}

// ------------------------------------------------------------------ sign-in

/** The name a token claims, for display only (the gateway verifies the token). */
function nameInToken(/** @type {string} */ token) {
  try {
    const binary = atob(/** @type {string} */ (token.split('.')[1]).replace(/-/g, '+').replace(/_/g, '/'));
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof payload.name === 'string' ? payload.name : typeof payload.sub === 'string' ? payload.sub : '';
  } catch {
    return '';
  }
}

/**
 * @param {string} token
 * @param {string} name
 */
async function signIn(token, name) {
  state.token = token;
  state.name = name;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(NAME_KEY, name);
  await afterSignIn();
}

function signOut() {
  state.token = null;
  state.name = null;
  state.councils = [];
  state.result = null;
  state.trend = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(NAME_KEY);
  form.token.value = '';
  $('whoami').hidden = true;
  $('choose').hidden = true;
  $('sign-in').hidden = false;
  $('report').replaceChildren();
  $('report').removeAttribute('data-state');
}

async function afterSignIn() {
  setError(null);
  $('sign-in').hidden = true;
  $('whoami').hidden = false;
  $('whoami-name').textContent = state.name ?? '';
  try {
    state.councils = await api.councils(/** @type {string} */ (state.token));
  } catch (err) {
    // a token the API refuses, or a role that may not read councils: back to signing in
    signOut();
    fail(err);
    return;
  }
  renderCouncilOptions();
  $('choose').hidden = false;
  if (!state.councils.length) setError({ key: 'noCouncils' });
  else form.council.focus();
}

function renderCouncilOptions() {
  const selected = form.council.value;
  form.council.replaceChildren(...state.councils.map((c) => h('option', { value: c.id }, [`${c.name} (${c.municipalityCodes.join(', ')})`])));
  if (selected && state.councils.some((c) => c.id === selected)) form.council.value = selected;
}

// ------------------------------------------------------------------ period

function applyPreset() {
  const preset = form.preset.value;
  if (preset === 'custom') return;
  const p = presetPeriod(/** @type {any} */ (preset), today());
  form.from.value = p.from;
  form.to.value = p.to;
}

// ------------------------------------------------------------------ the report

async function load() {
  setError(null);
  const from = form.from.value;
  const to = form.to.value;
  if (!isDate(from) || !isDate(to) || to < from) {
    setError({ key: 'errPeriod' });
    return;
  }
  const id = form.council.value;
  const token = /** @type {string} */ (state.token);
  const months = monthsOf(from, to);
  $('report').setAttribute('data-state', 'loading');
  $('status').textContent = t(state.lang).loading;
  try {
    const [result, data] = await Promise.all([
      api.councilReport(token, id, from, to),
      months.length > 1 ? api.monthly(token, id, months) : Promise.resolve(null),
    ]);
    state.result = result;
    state.trend = data ? { months, data } : null;
  } catch (err) {
    fail(err);
    return;
  }
  $('status').textContent = '';
  renderReport();
}

function renderReport() {
  const root = $('report');
  if (!state.result) {
    root.replaceChildren();
    return;
  }
  const s = t(state.lang);
  const { council, report } = state.result;
  const sections = Object.keys(report.sections);
  const head = h('header', { class: 'report-head' }, [
    h('h2', { id: 'council-name' }, [council.name]),
    h('dl', { class: 'facts' }, [
      h('div', {}, [h('dt', {}, [s.level]), h('dd', {}, [s[council.level]])]),
      h('div', {}, [h('dt', {}, [s.periodShown]), h('dd', { 'data-period': `${report.from}/${report.to}` }, [`${report.from} – ${report.to}`])]),
      h('div', {}, [h('dt', {}, [s.municipalities]), h('dd', {}, [report.municipalityCodes.join(', ')])]),
      h('div', {}, [h('dt', {}, [s.members]), h('dd', {}, [council.memberOrganisations.map((o) => o.name).join('; ')])]),
    ]),
  ]);
  const note = h('aside', { id: 'suppression-note', class: 'note' }, [
    h('p', {}, [h('strong', {}, ['< 5']), ` ${s.suppressedNote.replace(/^< 5 /, '')}`]),
    h('p', {}, [s.genderNote]),
  ]);
  const sectionTitle = (/** @type {string} */ name) => s.sections[/** @type {keyof typeof s.sections} */ (name)] ?? name;
  const nav = h('nav', { class: 'jump', 'aria-label': s.contents }, [
    h(
      'ul',
      {},
      [state.trend ? ['trends', s.trendHeading] : null, ...sections.map((name) => [`section-${name}`, sectionTitle(name)]), ['agreements', s.agreementsHeading]]
        .filter((x) => x !== null)
        .map(([id, label]) => h('li', {}, [h('a', { href: `#${id}` }, [/** @type {string} */ (label)])])),
    ),
  ]);
  root.replaceChildren(
    h('article', { class: 'report', 'data-council': council.id, 'aria-labelledby': 'council-name' }, [
      head,
      nav,
      renderTrend(),
      note,
      ...sections.map((name) => renderSection(name, /** @type {Indicator[]} */ (report.sections[name]))),
      renderAgreements(),
    ]),
  );
  root.setAttribute('data-state', 'ready');
}

/**
 * @param {string} name
 * @param {Indicator[]} indicators
 */
function renderSection(name, indicators) {
  const s = t(state.lang);
  const title = s.sections[/** @type {keyof typeof s.sections} */ (name)] ?? name;
  const headingId = `section-${name}-h`;
  // The chart draws the figures about people that have something to show: not those that are
  // zero or empty for both women and men (the table lists every figure).
  const people = indicators.filter((i) => i.byGender.some((c) => c.suppressed || (c.value !== null && c.value !== 0)));
  const chart = people.length
    ? h('figure', { class: 'chart-figure' }, [
        genderBarChart({
          lang: state.lang,
          title: s.barChartTitle(title),
          rows: people.map((i) => {
            const label = indicatorLabel(state.lang, i);
            return { key: i.key, label: label.text, labelLang: label.lang, cells: i.byGender };
          }),
        }),
        h('figcaption', {}, [s.barChartTitle(title)]),
      ])
    : null;
  const table = indicators.length
    ? h('div', { class: 'table-wrap' }, [
        h('table', { class: 'indicators', 'data-section': name }, [
          h('caption', {}, [`${title}, ${state.result?.report.from} – ${state.result?.report.to}`]),
          h('thead', {}, [
            h('tr', {}, [
              h('th', { scope: 'col' }, [s.indicator]),
              h('th', { scope: 'col', class: 'num' }, [s.value]),
              h('th', { scope: 'col', class: 'num' }, [s.fraction]),
              h('th', { scope: 'col', class: 'num' }, [s.WOMEN]),
              h('th', { scope: 'col', class: 'num' }, [s.MEN]),
            ]),
          ]),
          h(
            'tbody',
            {},
            indicators.map((i) => {
              const label = indicatorLabel(state.lang, i);
              const women = i.byGender.find((c) => c.group === 'WOMEN');
              const men = i.byGender.find((c) => c.group === 'MEN');
              return h('tr', { 'data-key': i.key, 'data-kind': indicatorKind(i) ?? 'UNKNOWN' }, [
                h('th', { scope: 'row', lang: label.lang }, [label.text]),
                valueCell('value', i, false),
                h('td', { class: 'num', 'data-col': 'fraction' }, [i.suppressed ? '' : formatFraction(state.lang, i)]),
                genderCell('WOMEN', women),
                genderCell('MEN', men),
              ]);
            }),
          ),
        ]),
      ])
    : h('p', { class: 'muted' }, [s.noIndicators]);
  return h('section', { class: 'indicator-section', id: `section-${name}`, 'data-section': name, 'aria-labelledby': headingId }, [
    h('h2', { id: headingId }, [title]),
    chart,
    table,
  ]);
}

/**
 * @param {string} col
 * @param {import('./figures.js').Cell} cell
 * @param {boolean} withFraction
 */
function valueCell(col, cell, withFraction) {
  const s = t(state.lang);
  const shown = formatValue(state.lang, cell);
  if (shown.state === 'suppressed') {
    return h('td', { class: 'num suppressed', 'data-col': col, 'data-suppressed': 'true', title: shown.title }, [
      h('span', { class: 'supp' }, ['< 5']),
      h('a', { href: '#suppression-note', class: 'supp-ref', 'aria-label': `${s.suppressedLabel}: ${s.suppressedNote}` }, ['*']),
    ]);
  }
  if (shown.state === 'empty') {
    return h('td', { class: 'num muted', 'data-col': col, title: shown.title }, [shown.text]);
  }
  const fraction = withFraction ? formatFraction(state.lang, cell) : '';
  return h('td', { class: 'num', 'data-col': col }, [shown.text, fraction ? h('span', { class: 'frac' }, [` (${fraction})`]) : null]);
}

/**
 * @param {'WOMEN' | 'MEN'} group
 * @param {import('./figures.js').Cell | undefined} cell
 */
function genderCell(group, cell) {
  const s = t(state.lang);
  if (!cell) return h('td', { class: 'num muted', 'data-col': group, title: s.notByGenderTitle }, [s.notByGender]);
  return valueCell(group, cell, true);
}

function renderTrend() {
  if (!state.trend || !state.result) return null;
  const s = t(state.lang);
  const { months, data } = state.trend;
  const figures = [];
  for (const [section, indicators] of Object.entries(state.result.report.sections)) {
    const headlines = indicators.filter((i) => i.byGender.length > 0).slice(0, HEADLINES_PER_SECTION);
    for (const indicator of headlines) {
      const label = indicatorLabel(state.lang, indicator);
      const points = months.map((m, i) => ({
        month: m.month,
        label: formatMonth(state.lang, m.month),
        cell: data[i]?.[section]?.find((x) => x.key === indicator.key) ?? null,
      }));
      const sectionName = s.sections[/** @type {keyof typeof s.sections} */ (section)] ?? section;
      figures.push(
        h('figure', { class: 'chart-figure trend', 'data-key': indicator.key }, [
          h('figcaption', {}, [h('span', { lang: label.lang }, [label.text]), h('span', { class: 'muted' }, [` · ${sectionName}`])]),
          trendChart({ lang: state.lang, key: indicator.key, title: s.trendChartTitle(label.text), points }),
          h('details', {}, [
            h('summary', {}, [s.trendTable]),
            h('table', { class: 'trend-table', 'data-key': indicator.key }, [
              h('thead', {}, [
                h('tr', {}, [
                  h('th', { scope: 'col' }, [s.month]),
                  h('th', { scope: 'col', class: 'num' }, [s.value]),
                  h('th', { scope: 'col', class: 'num' }, [s.fraction]),
                ]),
              ]),
              h(
                'tbody',
                {},
                points.map((p) =>
                  h('tr', { 'data-month': p.month }, [
                    h('th', { scope: 'row' }, [p.label]),
                    p.cell ? valueCell('value', p.cell, false) : h('td', { class: 'num muted' }, ['–']),
                    h('td', { class: 'num', 'data-col': 'fraction' }, [p.cell && !p.cell.suppressed ? formatFraction(state.lang, p.cell) : '']),
                  ]),
                ),
              ),
            ]),
          ]),
        ]),
      );
    }
  }
  if (!figures.length) return null;
  return h('section', { class: 'trends', id: 'trends', 'aria-labelledby': 'trends-h' }, [
    h('h2', { id: 'trends-h' }, [s.trendHeading]),
    h('p', { class: 'hint' }, [s.trendIntro]),
    h('div', { class: 'trend-grid' }, figures),
  ]);
}

function renderAgreements() {
  const s = t(state.lang);
  const agreements = state.result?.council.agreements ?? [];
  const overdue = agreements.filter((a) => a.reviewOverdue).length;
  return h('section', { class: 'agreements', id: 'agreements', 'aria-labelledby': 'agreements-h' }, [
    h('h2', { id: 'agreements-h' }, [s.agreementsHeading]),
    overdue ? h('p', { class: 'overdue-summary' }, [h('span', { class: 'badge', 'aria-hidden': 'true' }, ['!']), ` ${s.overdueCount(overdue)}`]) : null,
    agreements.length
      ? h('div', { class: 'table-wrap' }, [
          h('table', { class: 'agreements-table' }, [
            h('thead', {}, [
              h('tr', {}, [
                h('th', { scope: 'col' }, [s.agreementTitle]),
                h('th', { scope: 'col' }, [s.jointGoals]),
                h('th', { scope: 'col' }, [s.validFrom]),
                h('th', { scope: 'col' }, [s.reviewBy]),
                h('th', { scope: 'col' }, [s.status]),
              ]),
            ]),
            h(
              'tbody',
              {},
              agreements.map((a) =>
                h('tr', { 'data-agreement': a.id, class: a.reviewOverdue ? 'overdue' : undefined }, [
                  h('th', { scope: 'row' }, [a.title]),
                  h('td', {}, [
                    h(
                      'ul',
                      { class: 'goals' },
                      a.jointGoals.map((g) => h('li', {}, [g])),
                    ),
                  ]),
                  h('td', { 'data-col': 'validFrom' }, [a.validFrom]),
                  h('td', { 'data-col': 'reviewBy' }, [a.reviewBy]),
                  h(
                    'td',
                    { 'data-col': 'status', 'data-overdue': String(a.reviewOverdue) },
                    a.reviewOverdue ? [h('span', { class: 'badge', 'aria-hidden': 'true' }, ['!']), ` ${s.overdue}`] : [s.current],
                  ),
                ]),
              ),
            ),
          ]),
        ])
      : h('p', { class: 'muted' }, [s.noAgreements]),
  ]);
}

// ------------------------------------------------------------------ wiring

function renderAll() {
  applyStaticTexts();
  showError();
  if (state.councils.length) renderCouncilOptions();
  renderReport();
}

form.lang.addEventListener('change', () => {
  state.lang = form.lang.value === 'en' ? 'en' : 'sv';
  sessionStorage.setItem(LANG_KEY, state.lang);
  renderAll();
});

form.devForm.addEventListener('submit', (event) => {
  event.preventDefault();
  setError(null);
  api
    .devToken(form.devMember.value)
    .then((r) => signIn(r.token, r.name))
    .catch((err) => setError(err instanceof api.ApiError ? { message: `${t(state.lang).errSignIn} ${err.message}` } : { key: 'errSignIn' }));
});

form.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = form.token.value.trim().replace(/^Bearer\s+/i, '');
  if (!token) {
    setError({ key: 'errEmptyToken' });
    return;
  }
  form.token.value = '';
  void signIn(token, nameInToken(token));
});

$('sign-out').addEventListener('click', () => {
  signOut();
  setError(null);
});

form.preset.addEventListener('change', applyPreset);
for (const input of [form.from, form.to]) input.addEventListener('input', () => (form.preset.value = 'custom'));

form.choose.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});

async function main() {
  applyStaticTexts();
  form.preset.value = 'thisYear';
  applyPreset();
  const members = await api.devMembers();
  if (members && members.length) {
    form.devMember.replaceChildren(...members.map((m) => h('option', { value: m.org }, [m.name])));
    form.devForm.hidden = false;
  }
  if (state.token) await afterSignIn();
  else $('sign-in').hidden = false;
  document.body.setAttribute('data-ready', 'true');
}

void main();
