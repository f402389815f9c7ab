import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

const CELL_W = 40;
const CELL_H = 22;
const PAD = 4;

/** Fill colour per panel type, so the picture shows what kind of view sits where. */
const TYPE_COLORS: Record<string, string> = {
  stat: '#1e3a5f',
  timeseries: '#14532d',
  'state-timeline': '#4c1d95',
  nodeGraph: '#7c2d12',
  table: '#334155',
  row: 'none',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * An SVG sketch of the dashboard's grid (24 columns): one box per panel with its title and type,
 * and a bar per row. Generated with the JSON so the README's picture never drifts from it.
 */
export function renderLayoutSvg(dashboard: Dashboard): string {
  const panels = dashboard.panels ?? [];
  const bottom = Math.max(...panels.map((p) => (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 0)));
  const width = 24 * CELL_W;
  const height = bottom * CELL_H;
  const boxes = panels.map((panel) => {
    const { x = 0, y = 0, w = 0, h = 0 } = panel.gridPos ?? {};
    const left = x * CELL_W + PAD / 2;
    const top = y * CELL_H + PAD / 2;
    const title = escapeXml(panel.title ?? '');
    if (panel.type === 'row') {
      return `  <text x="${left + 4}" y="${top + CELL_H * 0.7}" class="row">▾ ${title}</text>`;
    }
    const fill = TYPE_COLORS[panel.type] ?? '#334155';
    return [
      `  <rect x="${left}" y="${top}" width="${w * CELL_W - PAD}" height="${h * CELL_H - PAD}" rx="6" fill="${fill}"/>`,
      `  <text x="${left + 8}" y="${top + 18}" class="title">${title}</text>`,
      `  <text x="${left + 8}" y="${top + 34}" class="type">${escapeXml(panel.type)}</text>`,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `  <title>${escapeXml(dashboard.title ?? 'dashboard')} layout</title>`,
    '  <style>text{font-family:sans-serif;fill:#e2e8f0}.title{font-size:13px;font-weight:600}' +
      '.type{font-size:11px;fill:#94a3b8}.row{font-size:14px;font-weight:700}</style>',
    `  <rect width="${width}" height="${height}" fill="#0f172a"/>`,
    ...boxes,
    '</svg>',
    '',
  ].join('\n');
}
