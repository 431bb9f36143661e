import { type Html, html } from './html.js'

/**
 * Charts as inline SVG, drawn on the server from figures: no library, no script, and colours as SVG
 * presentation attributes (and classes for the stylesheet), never `style=`, which the console's CSP
 * (`style-src 'self'`) would block. Every chart has a `<title>` naming it and each bar or point one
 * giving its value, so a screen reader (and a mouse hover) reads what the picture shows. The sentences
 * come from the caller, already in the viewer's language.
 */

export interface ChartFrame {
  /** The `data-chart` attribute: which chart this is. */
  chart: string
  title: string
  /** What the chart says when it has no value at all. */
  empty: string
  /** An axis value as people read it (`5分0秒`, `40%`). */
  tick: (value: number) => string
}

export interface Bar {
  label: string
  /** Undefined: nothing to show (no bar), as a day without conversations has no rate. */
  value: number | undefined
  /** The value as written above the bar. */
  shown: string
  /** The bar's `<title>`: its label and value in a sentence. */
  title: string
}

export interface Series {
  name: string
  /** One per label; undefined leaves a gap in the line. */
  values: (number | undefined)[]
  /** One `<title>` per point. */
  titles: string[]
}

const WIDTH = 640
const HEIGHT = 260
const LEFT = 72
const RIGHT = 16
const TOP = 28
const BOTTOM = 40
const PLOT_WIDTH = WIDTH - LEFT - RIGHT
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
const TICKS = 4
/** Axis labels shown at most: with 92 days, every few days is named. */
const MAX_LABELS = 12
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea']

const round = (value: number) => Math.round(value * 10) / 10

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ not below `max`, so that the ticks are round numbers. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= max) ?? 10
  return step * power
}

/** A bar per label: counts, rates, a distribution. */
export function barChart(frame: ChartFrame & { bars: Bar[]; max?: number }): Html {
  const values = frame.bars.flatMap((bar) => (bar.value === undefined ? [] : [bar.value]))
  const top = frame.max ?? niceMax(Math.max(0, ...values))
  const slot = PLOT_WIDTH / Math.max(1, frame.bars.length)
  const width = round(Math.min(48, slot * 0.7))
  const bars = frame.bars.map((bar, index) => {
    if (bar.value === undefined) return ''
    const height = round((Math.max(0, bar.value) / top) * PLOT_HEIGHT)
    const x = round(LEFT + slot * index + (slot - width) / 2)
    const y = round(TOP + PLOT_HEIGHT - height)
    return html`<g class="chart-bar"><title>${bar.title}</title><rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${COLOURS[0]}"></rect><text x="${round(x + width / 2)}" y="${round(y - 4)}" text-anchor="middle" font-size="11">${bar.shown}</text></g>`
  })
  const labels = frame.bars.map((bar) => bar.label)
  return svg(frame, values.length === 0, top, labels, slot, bars)
}

/** A line per series over the same labels (days), a dot with its value at each point. */
export function lineChart(frame: ChartFrame & { labels: string[]; series: Series[] }): Html {
  const values = frame.series.flatMap((series) =>
    series.values.flatMap((value) => (value === undefined ? [] : [value])),
  )
  const top = niceMax(Math.max(0, ...values))
  const slot = PLOT_WIDTH / Math.max(1, frame.labels.length)
  const x = (index: number) => round(LEFT + slot * index + slot / 2)
  const y = (value: number) => round(TOP + PLOT_HEIGHT - (Math.max(0, value) / top) * PLOT_HEIGHT)
  const lines = frame.series.map((series, n) => {
    const colour = COLOURS[n % COLOURS.length]
    // A gap (a day without a figure) starts a new stroke rather than joining its neighbours.
    const path = series.values
      .map((value, index) => {
        if (value === undefined) return ''
        const joined = index > 0 && series.values[index - 1] !== undefined
        return `${joined ? 'L' : 'M'}${x(index)} ${y(value)}`
      })
      .join('')
    const dots = series.values.map((value, index) =>
      value === undefined
        ? ''
        : html`<circle cx="${x(index)}" cy="${y(value)}" r="3" fill="${colour}"><title>${series.titles[index] ?? ''}</title></circle>`,
    )
    const legendX = LEFT + n * 120
    return html`<g class="chart-series chart-series-${n}">${path ? html`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"></path>` : ''}${dots}<rect x="${legendX}" y="6" width="10" height="10" fill="${colour}"></rect><text x="${legendX + 14}" y="15" font-size="11">${series.name}</text></g>`
  })
  return svg(frame, values.length === 0, top, frame.labels, slot, lines)
}

/** The frame both charts share: title, axes, ticks, labels, and the drawing (or the empty note). */
function svg(
  frame: ChartFrame,
  empty: boolean,
  top: number,
  labels: string[],
  slot: number,
  drawing: (Html | string)[],
): Html {
  const id = `chart-${frame.chart}`
  const ticks = Array.from({ length: TICKS + 1 }, (_, n) => {
    const value = (top / TICKS) * n
    const y = round(TOP + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT)
    return html`<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="#e5e7eb"></line><text x="${LEFT - 6}" y="${round(y + 4)}" text-anchor="end" font-size="11">${frame.tick(value)}</text>`
  })
  const every = Math.ceil(labels.length / MAX_LABELS)
  const names = labels.map((label, index) =>
    index % every === 0
      ? html`<text x="${round(LEFT + slot * index + slot / 2)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">${label}</text>`
      : '',
  )
  return html`<svg data-chart="${frame.chart}" class="chart" role="img" aria-labelledby="${id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}">${frame.title}</title>
<g class="chart-axis">${ticks}<line x1="${LEFT}" y1="${TOP + PLOT_HEIGHT}" x2="${WIDTH - RIGHT}" y2="${TOP + PLOT_HEIGHT}" stroke="#374151"></line></g>
<g class="chart-labels">${names}</g>
${empty ? html`<text class="chart-empty" x="${LEFT + PLOT_WIDTH / 2}" y="${TOP + PLOT_HEIGHT / 2}" text-anchor="middle" font-size="13">${frame.empty}</text>` : drawing}
</svg>`
}
