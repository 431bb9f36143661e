import { describe, expect, it } from 'vitest'
import { barChart, lineChart } from '../../src/web/charts.js'

const frame = { title: '满意度评分分布', empty: '这段时间没有数据。', tick: (value: number) => `${value}` }

const heights = (svg: string) =>
  [...svg.matchAll(/<rect [^>]*height="([\d.]+)" fill/g)].map((m) => Number(m[1]))

describe('SVG charts', () => {
  it('draws a bar per value, in proportion, each with its value written and in a <title>', () => {
    const svg = barChart({
      ...frame,
      chart: 'csat',
      bars: [1, 2, 3, 4, 5].map((score) => ({
        label: `${score} 分`,
        value: score === 5 ? 8 : score === 4 ? 4 : 0,
        shown: String(score === 5 ? 8 : score === 4 ? 4 : 0),
        title: `${score} 分：${score === 5 ? 8 : 0}`,
      })),
    }).value
    expect(svg).toMatch(/^<svg data-chart="csat" class="chart" role="img" aria-labelledby="chart-csat"/)
    expect(svg).toContain('<title id="chart-csat">满意度评分分布</title>')
    expect(svg).toContain('<title>5 分：8</title>')
    expect(svg).toContain('>1 分</text>')
    // The axis goes to 10 (a round number above 8): 8 fills 80% of the plot, 4 fills 40%.
    const [zero, , , four, eight] = heights(svg)
    expect(zero).toBe(0)
    expect(eight).toBeCloseTo((four ?? 0) * 2, 0)
    expect(svg).toContain('>10</text>')
    expect(svg).not.toContain('chart-empty')
  })

  it('uses presentation attributes, never a style attribute, and escapes every text', () => {
    const svg = barChart({
      ...frame,
      chart: 'overdue-per-agent',
      bars: [{ label: '<b>王"</b>', value: 2, shown: '2', title: '<script>x</script>' }],
    }).value
    expect(svg).not.toMatch(/style=/)
    expect(svg).not.toContain('<b>')
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;b&gt;王&quot;&lt;/b&gt;')
    expect(svg).toMatch(/fill="#[0-9a-f]{6}"/)
  })

  it('leaves out a bar without a value, and says so when there is no value at all', () => {
    const some = barChart({
      ...frame,
      chart: 'same-day',
      max: 1,
      bars: [
        { label: '12-01', value: 0.5, shown: '50%', title: '12-01：50%' },
        { label: '12-02', value: undefined, shown: '', title: '' },
      ],
    }).value
    expect(heights(some)).toHaveLength(1)
    const none = barChart({
      ...frame,
      chart: 'same-day',
      bars: [{ label: '12-02', value: undefined, shown: '', title: '' }],
    }).value
    expect(none).toContain('<text class="chart-empty"')
    expect(none).toContain('这段时间没有数据。')
    expect(heights(none)).toEqual([])
  })

  it('draws a line per series with a dot and a <title> per point, broken where a day has no figure', () => {
    const svg = lineChart({
      ...frame,
      chart: 'first-response',
      labels: ['12-01', '12-02', '12-03', '12-04'],
      series: [
        { name: '中位数', values: [60, undefined, 30, 45], titles: ['a', 'b', 'c', 'd'] },
        { name: 'P90', values: [120, 90, 80, 100], titles: ['e', 'f', 'g', 'h'] },
      ],
    }).value
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(paths).toHaveLength(2)
    expect(paths[0]?.match(/M/g)).toHaveLength(2)
    expect(paths[1]?.match(/M/g)).toHaveLength(1)
    expect(svg.match(/<circle /g)).toHaveLength(7)
    expect(svg).toContain('<title>c</title>')
    expect(svg).not.toContain('<title>b</title>')
    expect(svg).toContain('>中位数</text>')
    expect(svg).toContain('>P90</text>')
  })

  it('names every few days only when there are many, so the labels do not overlap', () => {
    const labels = Array.from({ length: 92 }, (_, n) => `d${n}`)
    const svg = lineChart({
      ...frame,
      chart: 'first-response',
      labels,
      series: [{ name: 'm', values: labels.map((_, n) => n), titles: labels }],
    }).value
    const named = labels.filter((label) => svg.includes(`>${label}</text>`))
    expect(named.length).toBeLessThanOrEqual(12)
    expect(named[0]).toBe('d0')
  })
})
