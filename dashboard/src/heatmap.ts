// ECharts, only the parts the matrix heat map needs (kept in a chunk of its
// own, loaded by the matrix view).
import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export interface HeatCell {
  x: number;
  y: number;
  value: number;
  /** The basis breakdown, for the tooltip. */
  detail: string;
}

export interface HeatInput {
  columns: string[];
  rows: string[];
  /** Series: ordinary cells, township-fallback cells, unassigned cells. */
  normal: HeatCell[];
  fallback: HeatCell[];
  unassigned: HeatCell[];
}

const COUNT = new Intl.NumberFormat('zh-CN');
const FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

export function renderHeatmap(el: HTMLElement, input: HeatInput): () => void {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const max = (cells: HeatCell[]) => Math.max(1, ...cells.map((c) => c.value));
  const series = (name: string, cells: HeatCell[]) => ({
    name,
    type: 'heatmap' as const,
    // The colour follows the square root of the count (dimension 3), so that
    // small counts still show beside large ones; the label is the count.
    data: cells.map((c) => ({ value: [c.x, c.y, c.value, Math.sqrt(c.value)], detail: c.detail })),
    label: {
      show: true,
      fontFamily: FONT,
      fontSize: 12,
      color: '#111',
      formatter: (p: { value: unknown }) => COUNT.format((p.value as number[])[2]),
    },
    itemStyle: { borderColor: '#fff', borderWidth: 2 },
    emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
  });
  const visual = (seriesIndex: number, colors: string[], cells: HeatCell[], text: string, show: boolean) => ({
    type: 'continuous' as const,
    seriesIndex,
    dimension: 3,
    min: 0,
    max: Math.sqrt(max(cells)),
    inRange: { color: colors },
    show,
    orient: 'horizontal' as const,
    left: 20 + seriesIndex * 280,
    bottom: 0,
    itemWidth: 12,
    itemHeight: 120,
    text: [COUNT.format(max(cells)), text],
    textStyle: { fontFamily: FONT, fontSize: 11 },
    calculable: false,
  });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: FONT },
    tooltip: {
      position: 'top',
      formatter: (p: { seriesName?: string; data?: { value: number[]; detail: string } }) => {
        if (!p.data) return '';
        const [x, y, v] = p.data.value;
        return `${input.rows[y]} × ${input.columns[x]}<br/><b>${COUNT.format(v)}</b> 个组织<br/>${p.data.detail}`;
      },
    },
    grid: { left: 8, right: 16, top: 8, bottom: 70, containLabel: true, show: true, backgroundColor: '#fafbfc', borderColor: '#e2e8f0' },
    xAxis: {
      type: 'category',
      data: input.columns,
      position: 'top',
      splitArea: { show: false },
      axisLabel: { interval: 0, fontFamily: FONT, fontSize: 12, width: 80, overflow: 'break' },
    },
    yAxis: {
      type: 'category',
      data: input.rows,
      inverse: true,
      splitArea: { show: false },
      axisLabel: { fontFamily: FONT, fontSize: 12 },
    },
    visualMap: [
      visual(0, ['#eef4fb', '#2b6cb0'], input.normal, '主管部门', true),
      visual(1, ['#fff4e0', '#dd8a0b'], input.fallback, '乡镇（街道）兜底', true),
      visual(2, ['#fde8e8', '#c53030'], input.unassigned, '无人负责', true),
    ],
    series: [series('主管部门', input.normal), series('乡镇（街道）兜底', input.fallback), series('无人负责', input.unassigned)],
  });
  const onResize = () => chart.resize();
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    chart.dispose();
  };
}
