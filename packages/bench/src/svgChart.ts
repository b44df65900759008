import { type AxisTicks, formatTick, logTicks, niceTicks } from "./chartScale.ts";

/**
 * One point; `yMin`/`yMax` (e.g. min and max of repeats, `y` being the median) draw an error bar. On a categorical
 * axis (see {@link LineChartOptions.categories}) `x` is the index of the category.
 */
export interface ChartPoint {
  x: number;
  y: number;
  yMin?: number;
  yMax?: number;
}

/** One line of the chart, read against the left y axis unless `yAxis` is "right". */
export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
  yAxis?: "left" | "right";
  /** CSS colour; taken from a colour-blind-safe palette by default. */
  color?: string;
  /**
   * "bar" (categorical axis only): one bar per category from zero, labelled with its value; the bars of several bar
   * series stand side by side. "line" (default): points joined by a line (points only on a categorical axis).
   */
  style?: "line" | "bar";
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  /** Label of the left y axis. */
  yLabel: string;
  /** Label of the right y axis (drawn only if a series uses it); the right series' names by default. */
  yRightLabel?: string;
  series: readonly ChartSeries[];
  /** Pixels; 800 × 480 by default. */
  width?: number;
  height?: number;
  /** Log₁₀ x axis (points with x ≤ 0 are left out). */
  xLog?: boolean;
  /**
   * A categorical x axis: each name gets an equal band, labelled under the axis, and a point's `x` is the index of its
   * category (points off the list are left out). Categories have no order, so points are not joined by lines.
   */
  categories?: readonly string[];
  /** Start both y axes at 0 when all their values are ≥ 0 (default true: rates and latencies read honestly). */
  yIncludeZero?: boolean;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and in greyscale print. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/** Approximate advance of one 12 px sans-serif character, to lay out the legend without measuring text. */
const CHAR_WIDTH_PX = 7;

/** Share of a category's band the bars of one category fill together: the rest separates neighbouring categories. */
const BAR_GROUP_SHARE = 0.7;

/** Room above the highest y value (share of the range), so that a line at the maximum does not merge with the frame. */
const Y_HEADROOM = 0.05;

/** Text safe inside an XML element or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A coordinate with at most two decimals (keeps the SVG small and diff-friendly). */
function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

interface PreparedSeries {
  name: string;
  color: string;
  right: boolean;
  bar: boolean;
  points: ChartPoint[];
}

function isUsable(p: ChartPoint, xLog: boolean, categories: number | null): boolean {
  if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return false;
  if (categories !== null) return Number.isInteger(p.x) && p.x >= 0 && p.x < categories;
  return !xLog || p.x > 0;
}

function yRange(series: readonly PreparedSeries[], includeZero: boolean): AxisTicks {
  const ys = series.flatMap((s) =>
    s.points.flatMap((p) => [p.y, p.yMin ?? p.y, p.yMax ?? p.y].filter((v) => Number.isFinite(v))),
  );
  if (ys.length === 0) return niceTicks(0, 1);
  let lo = Math.min(...ys);
  const hi = Math.max(...ys);
  if (includeZero && lo >= 0) lo = 0;
  return niceTicks(lo, hi + (hi - lo) * Y_HEADROOM);
}

/**
 * An SVG chart with points, gridlines, round-number ticks, a legend, an optional second y axis on the right (e.g.
 * TPS left, p99 latency right; right-axis lines are dashed) and error bars: lines over a numeric x axis, or bars
 * and points over a categorical one (`categories`). Non-finite values are left out, so the output never contains
 * NaN; with no points at all it draws empty axes saying "no data".
 */
export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 480;
  const categories = options.categories ?? null;
  const xLog = categories === null && (options.xLog ?? false);
  const includeZero = options.yIncludeZero ?? true;
  const series: PreparedSeries[] = options.series.map((s, i) => ({
    name: s.name,
    color: escapeXml(s.color ?? PALETTE[i % PALETTE.length]),
    right: s.yAxis === "right",
    bar: categories !== null && s.style === "bar",
    points: s.points.filter((p) => isUsable(p, xLog, categories?.length ?? null)).sort((a, b) => a.x - b.x),
  }));
  const left = series.filter((s) => !s.right);
  const right = series.filter((s) => s.right);
  const hasRight = right.length > 0;

  // Legend rows, wrapped to the chart's width.
  const legendItems = series.map((s) => ({ s, w: 34 + s.name.length * CHAR_WIDTH_PX + 16 }));
  const rows: (typeof legendItems)[] = [[]];
  let rowWidth = 0;
  for (const item of legendItems) {
    if (rowWidth + item.w > width - 80 && rows[rows.length - 1].length > 0) {
      rows.push([]);
      rowWidth = 0;
    }
    rows[rows.length - 1].push(item);
    rowWidth += item.w;
  }
  const legendRows = series.length === 0 ? 0 : rows.length;

  const plotLeft = 72;
  const plotRight = width - (hasRight ? 72 : 24);
  const plotTop = 44 + legendRows * 18 + 6;
  const plotBottom = height - 56;
  const plotW = Math.max(1, plotRight - plotLeft);
  const plotH = Math.max(1, plotBottom - plotTop);

  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xTicks = xLog
    ? logTicks(xs.length ? Math.min(...xs) : 1, xs.length ? Math.max(...xs) : 10)
    : niceTicks(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1);
  // Bars stand on zero, so their axis always holds it.
  const yLeft = yRange(left, includeZero || left.some((s) => s.bar));
  const yRight = yRange(right, includeZero || right.some((s) => s.bar));
  const tx = (v: number) => (xLog ? Math.log10(v) : v);
  const band = plotW / Math.max(1, categories?.length ?? 1);
  const sx = (x: number) =>
    categories !== null
      ? plotLeft + (x + 0.5) * band
      : plotLeft + ((tx(x) - tx(xTicks.min)) / (tx(xTicks.max) - tx(xTicks.min))) * plotW;
  const bars = series.filter((s) => s.bar);
  const barWidth = (band * BAR_GROUP_SHARE) / Math.max(1, bars.length);
  // Centre of series `s`'s bar (or point) in category `x`: bars side by side, other series on the band's centre.
  const cx = (s: PreparedSeries, x: number) =>
    s.bar ? sx(x) - (band * BAR_GROUP_SHARE) / 2 + (bars.indexOf(s) + 0.5) * barWidth : sx(x);
  const syOf = (axis: AxisTicks) => (y: number) =>
    plotBottom - ((y - axis.min) / (axis.max - axis.min)) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${px(width / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  );

  // Gridlines and tick labels.
  const syLeft = syOf(yLeft);
  for (const t of yLeft.ticks) {
    const y = px(syLeft(t));
    out.push(`<line x1="${plotLeft}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="#e3e3e3"/>`);
    out.push(
      `<text x="${plotLeft - 6}" y="${y}" dy="4" text-anchor="end">${escapeXml(formatTick(t))}</text>`,
    );
  }
  if (categories !== null) {
    categories.forEach((name, i) => {
      out.push(
        `<text x="${px(sx(i))}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(name)}</text>`,
      );
    });
  } else {
    for (const t of xTicks.ticks) {
      const x = px(sx(t));
      out.push(`<line x1="${x}" y1="${plotTop}" x2="${x}" y2="${plotBottom}" stroke="#e3e3e3"/>`);
      out.push(
        `<text x="${x}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(formatTick(t))}</text>`,
      );
    }
  }
  if (hasRight) {
    const syRight = syOf(yRight);
    for (const t of yRight.ticks) {
      const y = px(syRight(t));
      out.push(`<line x1="${plotRight}" y1="${y}" x2="${plotRight + 4}" y2="${y}" stroke="#333333"/>`);
      out.push(
        `<text x="${plotRight + 7}" y="${y}" dy="4" text-anchor="start">${escapeXml(formatTick(t))}</text>`,
      );
    }
  }

  // Axes and axis labels.
  out.push(
    `<rect x="${plotLeft}" y="${plotTop}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`,
    `<text x="${px(plotLeft + plotW / 2)}" y="${height - 16}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${px(plotTop + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  if (hasRight) {
    const label = options.yRightLabel ?? right.map((s) => s.name).join(", ");
    out.push(
      `<text transform="translate(${width - 14} ${px(plotTop + plotH / 2)}) rotate(90)" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  }

  // Series: bars, error bars, line, points.
  for (const s of series) {
    const axis = s.right ? yRight : yLeft;
    const sy = syOf(axis);
    const dash = s.right ? ` stroke-dasharray="6 4"` : "";
    if (s.bar) {
      const base = sy(Math.min(Math.max(0, axis.min), axis.max));
      for (const p of s.points) {
        const [x, y] = [cx(s, p.x) - barWidth / 2, sy(p.y)];
        // The value sits above the bar and above its error bar.
        const top = Math.min(y, base, Number.isFinite(p.yMax) ? sy(p.yMax as number) : y);
        out.push(
          `<rect x="${px(x)}" y="${px(Math.min(y, base))}" width="${px(barWidth)}" height="${px(Math.abs(base - y))}" fill="${s.color}" fill-opacity="0.85"/>`,
          `<text x="${px(x + barWidth / 2)}" y="${px(top - 4)}" text-anchor="middle" font-size="10">${escapeXml(formatTick(p.y))}</text>`,
        );
      }
    }
    for (const p of s.points) {
      if (
        p.yMin === undefined ||
        p.yMax === undefined ||
        !Number.isFinite(p.yMin) ||
        !Number.isFinite(p.yMax)
      )
        continue;
      const x = cx(s, p.x);
      const [y1, y2] = [px(sy(p.yMin)), px(sy(p.yMax))];
      out.push(
        `<path d="M${px(x)} ${y1}V${y2}M${px(x - 4)} ${y1}H${px(x + 4)}M${px(x - 4)} ${y2}H${px(x + 4)}" stroke="${s.bar ? "#333333" : s.color}" stroke-width="1.2" fill="none"/>`,
      );
    }
    if (s.bar) continue;
    if (s.points.length > 1 && categories === null) {
      const coords = s.points.map((p) => `${px(sx(p.x))},${px(sy(p.y))}`).join(" ");
      out.push(`<polyline points="${coords}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    // On a categorical axis a point may sit on a bar: a white rim keeps it visible there.
    const rim = categories === null ? "" : ` stroke="#ffffff" stroke-width="1.5"`;
    for (const p of s.points) {
      out.push(`<circle cx="${px(sx(p.x))}" cy="${px(sy(p.y))}" r="3.5" fill="${s.color}"${rim}/>`);
    }
  }

  if (xs.length === 0) {
    out.push(
      `<text x="${px(plotLeft + plotW / 2)}" y="${px(plotTop + plotH / 2)}" text-anchor="middle" fill="#888888">no data</text>`,
    );
  }

  // Legend, centred rows under the title.
  rows.forEach((row, r) => {
    const total = row.reduce((sum, item) => sum + item.w, 0);
    let x = (width - total) / 2;
    const y = 44 + r * 18;
    for (const { s, w } of row) {
      const dash = s.right ? ` stroke-dasharray="6 4"` : "";
      out.push(
        s.bar
          ? `<rect x="${px(x + 7)}" y="${y - 6}" width="12" height="12" fill="${s.color}" fill-opacity="0.85"/>`
          : `<line x1="${px(x)}" y1="${y}" x2="${px(x + 26)}" y2="${y}" stroke="${s.color}" stroke-width="2"${dash}/>`,
        ...(s.bar ? [] : [`<circle cx="${px(x + 13)}" cy="${y}" r="3.5" fill="${s.color}"/>`]),
        `<text x="${px(x + 32)}" y="${y}" dy="4">${escapeXml(s.name)}</text>`,
      );
      x += w;
    }
  });

  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
