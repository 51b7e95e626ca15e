// @ts-check
/**
 * Hand-written SVG charts (no library, nothing from the internet): women and
 * men per indicator as bars, and month-by-month lines. Women and men differ
 * by fill (solid / hatched) and by a written tag, not by colour alone;
 * suppressed figures are drawn as a dashed box marked "< 5".
 */
import { formatNumber, formatValue, kindOf } from './figures.js';
import { t } from './i18n.js';

/** @typedef {import('./i18n.js').Lang} Lang */
/** @typedef {import('./figures.js').Cell} Cell */
/** @typedef {import('./figures.js').Kind} Kind */

const NS = 'http://www.w3.org/2000/svg';
let chartIds = 0;

/**
 * @param {string} name
 * @param {Record<string, string | number>} [attrs]
 * @param {string} [text]
 * @returns {SVGElement}
 */
function el(name, attrs = {}, text) {
  const node = /** @type {SVGElement} */ (document.createElementNS(NS, name));
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Words wrapped to lines of at most `width` characters.
 * @param {string} text
 * @param {number} width
 */
function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * An accessible svg root with a title and a description.
 * @param {number} width
 * @param {number} height
 * @param {string} title
 * @param {string} desc
 * @param {string} className
 */
function root(width, height, title, desc, className) {
  const id = `chart-${++chartIds}`;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: className });
  svg.append(el('title', { id: `${id}-title` }, title), el('desc', { id: `${id}-desc` }, desc));
  return { svg, id };
}

/** The hatch that marks men's bars (besides their colour and tag). */
function hatch(/** @type {string} */ id) {
  const defs = el('defs');
  const pattern = el('pattern', { id, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' });
  pattern.append(el('rect', { width: 6, height: 6, class: 'hatch-bg' }), el('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }));
  defs.append(pattern);
  return defs;
}

/**
 * Bars for women and men per indicator.
 * @param {{ lang: Lang, title: string, rows: Array<{ key: string, label: string, labelLang: string, cells: Array<Cell & { group: string }> }> }} spec
 */
export function genderBarChart({ lang, title, rows }) {
  const s = t(lang);
  const W = 760;
  const tagW = 78;
  const barX = 12 + tagW;
  const barMax = 470;
  const barH = 18;
  let y = 34;
  const layout = rows.map((row) => {
    const lines = wrap(row.label, 100);
    const top = y;
    y += lines.length * 17 + 4 + 2 * (barH + 4) + 14;
    return { row, lines, top };
  });
  const { svg, id } = root(W, y, title, s.barChartDesc, 'chart bar-chart');
  const hatchId = `${id}-hatch`;
  svg.append(hatch(hatchId));

  // legend
  const legend = el('g', { class: 'legend', transform: 'translate(12, 8)' });
  legend.append(
    el('rect', { x: 0, y: 0, width: 16, height: 14, class: 'bar-women' }),
    el('text', { x: 22, y: 12 }, s.WOMEN),
    el('rect', { x: 110, y: 0, width: 16, height: 14, class: 'bar-men', fill: `url(#${hatchId})` }),
    el('text', { x: 132, y: 12 }, s.MEN),
  );
  svg.append(legend);

  for (const { row, lines, top } of layout) {
    const g = el('g', { class: 'bar-row', 'data-key': row.key });
    const label = el('text', { x: 12, y: top + 13, class: 'row-label', lang: row.labelLang });
    lines.forEach((line, i) => label.append(el('tspan', { x: 12, dy: i === 0 ? 0 : 17 }, line)));
    g.append(label);
    const kinds = row.cells.map(kindOf);
    const kind = kinds.find((k) => k) ?? null;
    const max = kind === 'SHARE' ? 1 : Math.max(0, ...row.cells.map((c) => (c.suppressed || c.value === null ? 0 : c.value)));
    row.cells.forEach((cell, i) => {
      const by = top + lines.length * 17 + 4 + i * (barH + 4);
      const women = cell.group === 'WOMEN';
      const tag = women ? s.WOMEN : s.MEN;
      g.append(el('text', { x: barX - 8, y: by + 13, 'text-anchor': 'end', class: 'bar-tag' }, tag));
      const shown = formatValue(lang, cell);
      if (shown.state === 'suppressed') {
        const box = el('rect', {
          x: barX,
          y: by,
          width: 46,
          height: barH,
          class: 'bar-suppressed',
          'data-key': row.key,
          'data-group': cell.group,
          'data-suppressed': 'true',
        });
        box.append(el('title', {}, `${tag}: < 5 (${s.suppressedLabel})`));
        g.append(
          box,
          el('text', { x: barX + 23, y: by + 13, 'text-anchor': 'middle', class: 'bar-value suppressed-text' }, '< 5'),
          el('text', { x: barX + 54, y: by + 13, class: 'bar-note' }, s.suppressedLabel),
        );
        return;
      }
      const value = cell.value ?? 0;
      const width = max > 0 ? Math.max(value > 0 ? 2 : 0, (value / max) * barMax) : 0;
      const bar = el('rect', {
        x: barX,
        y: by,
        width: width.toFixed(1),
        height: barH,
        class: women ? 'bar bar-women' : 'bar bar-men',
        ...(women ? {} : { fill: `url(#${hatchId})` }),
        'data-key': row.key,
        'data-group': cell.group,
        'data-value': cell.value === null ? '' : String(cell.value),
      });
      bar.append(el('title', {}, `${tag}: ${shown.text}`));
      g.append(bar, el('text', { x: barX + width + 6, y: by + 13, class: 'bar-value' }, shown.state === 'empty' ? `– (${s.noCases})` : shown.text));
    });
    svg.append(g);
  }
  return svg;
}

/**
 * One indicator's total month by month: a line through the published
 * months, "< 5" where a month is suppressed, a gap where there were no cases.
 * @param {{ lang: Lang, key: string, title: string, points: Array<{ month: string, label: string, cell: Cell | null }> }} spec
 */
export function trendChart({ lang, key, title, points }) {
  const s = t(lang);
  const W = 560;
  const H = 220;
  const left = 72;
  const right = 24;
  const top = 22;
  const bottom = 46;
  const kind = /** @type {Kind | null} */ (points.map((p) => (p.cell ? kindOf(p.cell) : null)).find((k) => k) ?? null);
  const values = points.map((p) => (p.cell && !p.cell.suppressed && p.cell.value !== null ? p.cell.value : null));
  const maxValue = Math.max(0, ...values.map((v) => v ?? 0));
  // shares against 100 %; counts and days against a round number (at least 2, so that the middle tick is whole)
  const max = kind === 'SHARE' ? 1 : Math.max(2, niceCeil(maxValue));
  const { svg } = root(W, H, title, s.trendIntro, 'chart trend-chart');
  svg.setAttribute('data-key', key);
  const plotH = H - top - bottom;
  const plotW = W - left - right;
  const inset = 28; // room for the first and last month's labels
  const x = (/** @type {number} */ i) => left + inset + (points.length === 1 ? (plotW - 2 * inset) / 2 : (i * (plotW - 2 * inset)) / (points.length - 1));
  const yOf = (/** @type {number} */ v) => top + plotH - (v / max) * plotH;

  // grid and y ticks
  for (const f of [0, 0.5, 1]) {
    const v = max * f;
    const gy = yOf(v);
    svg.append(el('line', { x1: left, x2: W - right, y1: gy, y2: gy, class: f === 0 ? 'axis' : 'grid' }));
    if (kind === 'SHARE' || Number.isInteger(v))
      svg.append(el('text', { x: left - 8, y: gy + 4, 'text-anchor': 'end', class: 'tick' }, formatNumber(lang, kind, v)));
  }
  // x labels: every month up to 7 months, then every second, third … (the table lists them all)
  const every = Math.ceil(points.length / 7);
  points.forEach((p, i) => {
    if (i % every === 0) svg.append(el('text', { x: x(i), y: H - bottom + 20, 'text-anchor': 'middle', class: 'tick' }, p.label));
  });
  const labelled = points.length <= 12;
  // the line, broken where a month has no published value
  let d = '';
  values.forEach((v, i) => {
    if (v === null) return;
    d += `${i > 0 && values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${yOf(v).toFixed(1)} `;
  });
  if (d) svg.append(el('path', { d: d.trim(), class: 'trend-line' }));
  points.forEach((p, i) => {
    const v = values[i];
    const cx = x(i);
    if (p.cell && p.cell.suppressed) {
      const cy = yOf(0);
      const m = el('rect', { x: cx - 5, y: cy - 5, width: 10, height: 10, class: 'point-suppressed', 'data-month': p.month, 'data-suppressed': 'true' });
      m.append(el('title', {}, `${p.label}: < 5 (${s.suppressedLabel})`));
      svg.append(m);
      if (labelled) svg.append(el('text', { x: cx, y: cy - 10, 'text-anchor': 'middle', class: 'point-label suppressed-text' }, '< 5'));
    } else if (v === null) {
      if (labelled) svg.append(el('text', { x: cx, y: yOf(0) - 8, 'text-anchor': 'middle', class: 'point-label muted' }, '–'));
    } else {
      const c = el('circle', { cx, cy: yOf(v), r: 4.5, class: 'point', 'data-month': p.month, 'data-value': String(v) });
      c.append(el('title', {}, `${p.label}: ${formatNumber(lang, kind, v)}`));
      svg.append(c);
      if (labelled) svg.append(el('text', { x: cx, y: yOf(v) - 10, 'text-anchor': 'middle', class: 'point-label' }, formatNumber(lang, kind, v)));
    }
  });
  return svg;
}

/** A round number at or above v (1, 2, 2.5, 5 × 10^n). */
function niceCeil(/** @type {number} */ v) {
  if (v <= 0) return 0;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
