import { formatTick, niceTicks } from "../chartScale.ts";
import { escapeXml } from "../svgChart.ts";
import type { CrossShardResult, CrossShardStage } from "./interface.ts";

/** The percentiles drawn, one bar each. */
const BAR_PERCENTILES = ["p50", "p95"] as const;

/** The stacked stages and their colours (Okabe–Ito, as the other charts). */
const SEGMENTS: ReadonlyArray<{ stage: Exclude<CrossShardStage, "total">; color: string }> = [
  { stage: "anchor", color: "#0072B2" },
  { stage: "relay", color: "#D55E00" },
  { stage: "credit", color: "#009E73" },
];

/** Pixels: chart width, one bar's height and the gap between bars; room for the labels left of the bars. */
const WIDTH = 800;
const BAR_H = 34;
const BAR_GAP = 26;
const LABEL_W = 72;
/** Narrowest segment that gets its value written inside (≈ "1,234" at 11 px). */
const MIN_LABELLED_PX = 40;

const px = (v: number) => String(Math.round(v * 100) / 100);

/**
 * `cross-shard-stages.svg`: one horizontal bar per percentile (p50, p95), stacked from that percentile of each stage
 * (anchor, relay, credit), with a black mark at the same percentile of the total (debit → credit), which the stacked
 * stages need not add up to. Null when no sampled transfer was credited.
 */
export function crossShardStagesSvg(name: string, r: CrossShardResult): string | null {
  const total = r.stagesMs.total;
  if (!total) return null;
  const title = `${name}: cross-shard latency by stage (${r.credited} credited of ${r.sampled} sampled)`;
  const stacked = BAR_PERCENTILES.map((p) => SEGMENTS.map((s) => r.stagesMs[s.stage]?.[p] ?? 0));
  const hi = Math.max(
    ...stacked.map((v) => v.reduce((a, b) => a + b, 0)),
    ...BAR_PERCENTILES.map((p) => total[p]),
  );
  const axis = niceTicks(0, hi);
  const plotLeft = LABEL_W;
  const plotRight = WIDTH - 24;
  const plotTop = 74;
  const plotBottom = plotTop + BAR_PERCENTILES.length * (BAR_H + BAR_GAP);
  const height = plotBottom + 50;
  const sx = (ms: number) => plotLeft + (ms / axis.max) * (plotRight - plotLeft);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  // Legend: the stages, then the total's mark.
  let lx = plotLeft;
  for (const s of SEGMENTS) {
    out.push(`<rect x="${lx}" y="42" width="14" height="12" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 20}" y="52">${s.stage}</text>`);
    lx += 34 + s.stage.length * 7 + 16;
  }
  out.push(`<line x1="${lx + 7}" y1="40" x2="${lx + 7}" y2="56" stroke="#000000" stroke-width="3"/>`);
  out.push(`<text x="${lx + 20}" y="52">total (debit → credit), same percentile</text>`);
  for (const t of axis.ticks) {
    const x = px(sx(t));
    out.push(`<line x1="${x}" y1="${plotTop - 6}" x2="${x}" y2="${plotBottom}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${x}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(formatTick(t))}</text>`);
  }
  out.push(
    `<text x="${(plotLeft + plotRight) / 2}" y="${plotBottom + 40}" text-anchor="middle">latency (ms)</text>`,
  );
  BAR_PERCENTILES.forEach((p, row) => {
    const y = plotTop + row * (BAR_H + BAR_GAP);
    out.push(`<text x="${plotLeft - 8}" y="${px(y + BAR_H / 2)}" dy="4" text-anchor="end">${p}</text>`);
    let at = 0;
    SEGMENTS.forEach((s, k) => {
      const v = stacked[row][k];
      const x0 = sx(at);
      const w = sx(at + v) - x0;
      at += v;
      if (w <= 0) return;
      out.push(
        `<rect x="${px(x0)}" y="${y}" width="${px(w)}" height="${BAR_H}" fill="${s.color}"><title>${s.stage} ${p}: ${Math.round(v)} ms</title></rect>`,
      );
      if (w >= MIN_LABELLED_PX)
        out.push(
          `<text x="${px(x0 + w / 2)}" y="${px(y + BAR_H / 2)}" dy="4" text-anchor="middle" fill="#ffffff" font-size="11">${Math.round(v).toLocaleString("en-US")}</text>`,
        );
    });
    const tx = px(sx(total[p]));
    out.push(
      `<line x1="${tx}" y1="${y - 5}" x2="${tx}" y2="${y + BAR_H + 5}" stroke="#000000" stroke-width="3"><title>total ${p}: ${Math.round(total[p])} ms</title></line>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
