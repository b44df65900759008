import { describe, expect, it } from "vitest";
import {
  escapeXml,
  formatTick,
  type LineChartOptions,
  lineChartSvg,
  logTicks,
  niceTicks,
} from "../src/index.ts";

/**
 * A small well-formedness check without regular expressions or a parser dependency: tags balance, attribute
 * values are quoted, every `&` starts an entity, no raw `<` in text, and there is one root element.
 */
function checkXml(xml: string): string[] {
  const errors: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const checkText = (text: string, where: string) => {
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "<") errors.push(`raw < in ${where}`);
      if (text[i] === "&") {
        const end = text.indexOf(";", i);
        const entity = end < 0 ? "" : text.slice(i + 1, end);
        if (!["amp", "lt", "gt", "quot", "apos"].includes(entity) && !/^#\d+$/.test(entity)) {
          errors.push(`bad entity in ${where}`);
        }
      }
    }
  };
  let i = 0;
  while (i < xml.length) {
    const open = xml.indexOf("<", i);
    const text = open < 0 ? xml.slice(i) : xml.slice(i, open);
    if (stack.length === 0 && text.trim() !== "") errors.push("text outside the root");
    checkText(text, "text");
    if (open < 0) break;
    if (xml.startsWith("<?", open)) {
      i = xml.indexOf("?>", open) + 2;
      continue;
    }
    // Find the tag's end, skipping over quoted attribute values.
    let j = open + 1;
    let quote: string | null = null;
    while (j < xml.length && (quote !== null || xml[j] !== ">")) {
      if (quote === null && (xml[j] === '"' || xml[j] === "'")) quote = xml[j];
      else if (xml[j] === quote) quote = null;
      j++;
    }
    if (j >= xml.length) {
      errors.push("unterminated tag");
      break;
    }
    const body = xml.slice(open + 1, j);
    if (body.startsWith("/")) {
      const name = body.slice(1).trim();
      if (stack.pop() !== name) errors.push(`mismatched </${name}>`);
    } else {
      const selfClosing = body.endsWith("/");
      const name = body.split(/[\s/]/)[0];
      if (name === "") errors.push("empty tag name");
      const attrs = body.slice(name.length, selfClosing ? -1 : undefined);
      let k = 0;
      while (k < attrs.length) {
        const q = attrs.indexOf('"', k);
        if (q < 0) break;
        const end = attrs.indexOf('"', q + 1);
        if (end < 0) errors.push(`unbalanced quote in <${name}>`);
        checkText(attrs.slice(q + 1, end), `attribute of <${name}>`);
        k = end + 1;
      }
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
    i = j + 1;
  }
  if (stack.length > 0) errors.push(`unclosed <${stack.join(">, <")}>`);
  if (roots !== 1) errors.push(`${roots} root elements`);
  return errors;
}

function expectCleanSvg(svg: string): void {
  expect(checkXml(svg)).toEqual([]);
  expect(svg.startsWith("<svg ")).toBe(true);
  for (const bad of ["NaN", "undefined", "Infinity", "null"]) expect(svg).not.toContain(bad);
}

const base: LineChartOptions = {
  title: "TPS & p99 <against> offered rate",
  xLabel: "offered rate (tx/s)",
  yLabel: "committed TPS",
  series: [],
};

describe("axis ticks", () => {
  it("picks round steps covering the range", () => {
    expect(niceTicks(0, 97)).toEqual({ min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceTicks(0, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.1, 0.35).ticks).toEqual([0.1, 0.2, 0.3, 0.4]); // no 0.30000000000000004
    expect(niceTicks(1234, 5678).ticks).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
  });

  it("widens a flat or degenerate range instead of dividing by zero", () => {
    const flat = niceTicks(5, 5);
    expect(flat.min).toBeLessThan(5);
    expect(flat.max).toBeGreaterThan(5);
    expect(niceTicks(0, 0)).toMatchObject({ min: 0, max: 1 });
    expect(niceTicks(Number.NaN, Number.NaN)).toMatchObject({ min: 0, max: 1 });
  });

  it("puts log ticks on powers of ten, with 2 and 5 for narrow ranges", () => {
    expect(logTicks(1, 1e6).ticks).toEqual([1, 10, 100, 1000, 10_000, 100_000, 1e6]);
    expect(logTicks(150, 8000).ticks).toEqual([100, 200, 500, 1000, 2000, 5000, 10_000]);
    expect(logTicks(50, 50).ticks.length).toBeGreaterThan(1);
  });

  it("formats labels with up to three significant digits and k/M suffixes", () => {
    expect([0, 0.25, 1, 999, 1000, 1500, 12_345, 2e6, 3.5e9, -2000].map(formatTick)).toEqual([
      "0",
      "0.25",
      "1",
      "999",
      "1k",
      "1.5k",
      "12.3k",
      "2M",
      "3.5G",
      "-2k",
    ]);
  });
});

describe("lineChartSvg", () => {
  it("escapes text", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
  });

  it("draws a two-axis chart with error bars, the title and every legend name", () => {
    const svg = lineChartSvg({
      ...base,
      yRightLabel: "p99 latency (ms)",
      series: [
        {
          name: "committed TPS",
          points: [
            { x: 250, y: 250, yMin: 240, yMax: 255 },
            { x: 500, y: 498, yMin: 490, yMax: 500 },
            { x: 1000, y: 900, yMin: 850, yMax: 950 },
          ],
        },
        {
          name: "p99 <ms>",
          yAxis: "right",
          points: [
            { x: 250, y: 12 },
            { x: 500, y: 15 },
            { x: 1000, y: 400 },
          ],
        },
      ],
    });
    expectCleanSvg(svg);
    expect(svg).toContain("TPS &amp; p99 &lt;against&gt; offered rate");
    expect(svg).toContain(">committed TPS</text>");
    expect(svg).toContain(">p99 &lt;ms&gt;</text>");
    expect(svg).toContain(">p99 latency (ms)</text>");
    expect(svg).toContain('stroke-dasharray="6 4"'); // the right-axis series
    expect(svg.match(/<path d="M/g)).toHaveLength(3); // one error bar per point that has yMin/yMax
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain(">1k</text>"); // an x tick
  });

  it("handles a single point, a flat line, an empty series and no series at all", () => {
    const one = lineChartSvg({ ...base, series: [{ name: "one", points: [{ x: 3, y: 7 }] }] });
    expectCleanSvg(one);
    expect(one.match(/<circle /g)).toHaveLength(2); // the point and its legend marker
    expect(one).not.toContain("<polyline");

    const flat = lineChartSvg({
      ...base,
      series: [{ name: "flat", points: [1, 2, 3].map((x) => ({ x, y: 5 })) }],
    });
    expectCleanSvg(flat);

    const zeros = lineChartSvg({
      ...base,
      series: [{ name: "zero", points: [1, 2].map((x) => ({ x, y: 0 })) }],
    });
    expectCleanSvg(zeros);

    const empty = lineChartSvg({ ...base, series: [{ name: "nothing yet", points: [] }] });
    expectCleanSvg(empty);
    expect(empty).toContain("no data");
    expect(empty).toContain(">nothing yet</text>");

    expectCleanSvg(lineChartSvg(base));
  });

  it("leaves out non-finite values, and x ≤ 0 on a log axis", () => {
    const svg = lineChartSvg({
      ...base,
      xLog: true,
      series: [
        {
          name: "s",
          points: [
            { x: 0, y: 1 },
            { x: 10, y: Number.NaN },
            { x: 100, y: 2, yMin: Number.NaN, yMax: 3 },
            { x: 1000, y: 3 },
          ],
        },
      ],
    });
    expectCleanSvg(svg);
    expect(svg.match(/<circle /g)).toHaveLength(3); // two points and the legend marker
    expect(svg).not.toContain("<path");
  });

  it("wraps a long legend onto several rows and still fits the size asked for", () => {
    const series = Array.from({ length: 12 }, (_, i) => ({
      name: `series number ${i} with a long name`,
      points: [{ x: i, y: i }],
    }));
    const svg = lineChartSvg({ ...base, series, width: 640, height: 400 });
    expectCleanSvg(svg);
    expect(svg).toContain('viewBox="0 0 640 400"');
    for (const s of series) expect(svg).toContain(`>${s.name}</text>`);
  });
});

describe("lineChartSvg on a categorical axis", () => {
  const categories = ["solo:1", "bft:4", "bft:7", "dpos:4"];
  const rects = (svg: string) => svg.match(/<rect [^>]*fill-opacity="0.85"\/>/g) ?? [];

  it("draws one bar per category, labels every category and value, and joins nothing with lines", () => {
    const svg = lineChartSvg({
      ...base,
      xLabel: "consensus:nodes",
      categories,
      series: [
        {
          name: "committed TPS",
          style: "bar",
          points: [
            { x: 0, y: 5200 },
            { x: 1, y: 2100, yMin: 2000, yMax: 2300 },
            { x: 2, y: 1500 },
            { x: 3, y: 1800 },
          ],
        },
        { name: "p99 latency (ms)", yAxis: "right", points: [0, 1, 2, 3].map((x) => ({ x, y: 300 + x })) },
      ],
    });
    expectCleanSvg(svg);
    // Four bars plus the legend's swatch of the bar series.
    expect(rects(svg)).toHaveLength(5);
    for (const c of categories) expect(svg).toContain(`text-anchor="middle">${c}</text>`);
    for (const v of ["5.2k", "2.1k", "1.5k", "1.8k"]) expect(svg).toContain(`font-size="10">${v}</text>`);
    expect(svg).not.toContain("<polyline");
    expect(svg.match(/<circle /g)).toHaveLength(5); // four p99 points and their legend marker
    expect(svg.match(/<path d="M/g)).toHaveLength(1); // the one point with a spread
    expect(svg).toContain(">p99 latency (ms)</text>");
  });

  it("sets the bars of several series side by side inside their category's band", () => {
    const series = ["p50", "p95", "p99"].map((name, k) => ({
      name,
      style: "bar" as const,
      points: categories.map((_, x) => ({ x, y: (k + 1) * 100 + x })),
    }));
    const svg = lineChartSvg({ ...base, categories, series });
    expectCleanSvg(svg);
    const bars = rects(svg).filter((r) => !r.includes('width="12"'));
    expect(bars).toHaveLength(12);
    const xs = bars.map((r) => Number(/ x="([\d.]+)"/.exec(r)?.[1]));
    const widths = bars.map((r) => Number(/ width="([\d.]+)"/.exec(r)?.[1]));
    // Series by series (p50's four bars, then p95's, then p99's): within a category each bar starts where the
    // previous series' bar ends, and categories go left to right.
    for (let c = 0; c < 4; c++) {
      expect(xs[4 + c]).toBeCloseTo(xs[c] + widths[c], 1);
      expect(xs[8 + c]).toBeCloseTo(xs[4 + c] + widths[4 + c], 1);
      if (c > 0) expect(xs[c]).toBeGreaterThan(xs[c - 1] + 3 * widths[c - 1]);
    }
  });

  it("leaves out points off the list of categories, and says no data when none is left", () => {
    const svg = lineChartSvg({
      ...base,
      categories: ["a", "b"],
      series: [
        {
          name: "tps",
          style: "bar",
          points: [
            { x: -1, y: 1 },
            { x: 0.5, y: 1 },
            { x: 1, y: 4 },
            { x: 2, y: 9 },
          ],
        },
      ],
    });
    expectCleanSvg(svg);
    expect(rects(svg)).toHaveLength(2); // the bar of "b" and the legend swatch
    expect(svg).not.toContain("no data");
    const empty = lineChartSvg({
      ...base,
      categories: [],
      series: [{ name: "tps", style: "bar", points: [] }],
    });
    expectCleanSvg(empty);
    expect(empty).toContain("no data");
  });
});
