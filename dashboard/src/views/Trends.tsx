// The region view's time: a small line chart per figure from the coverage
// snapshots (coverageHistory), and the figures of a past day from that
// day's snapshot. The charts are inline SVG polylines: seven small lines
// need no axes, legends or zoom, and ECharts' line chart would put its
// ~500 kB chunk on the view every visit opens with.
import { useState } from 'preact/hooks';
import { aliasedBatch, literal } from '../api';
import { ErrorBox, type Figures } from '../components';
import { dateLabel, daysBefore, int, pct, shanghaiDate, timeLabel } from '../format';
import { useAsk, useQuery } from '../hooks';

export const POINT = `at organizations unassigned fallbackOnly shouldEstablish responsibilityRate organizationalCoverageRate workCoverageRate`;

export interface CoveragePoint {
  at: string;
  organizations: number;
  unassigned: number;
  fallbackOnly: number;
  shouldEstablish: number;
  responsibilityRate: number;
  organizationalCoverageRate: number;
  workCoverageRate: number;
}

/** A snapshot as the figure cards and the child table read it (its fallback share computed as the API does). */
export function pointFigures(p: CoveragePoint): Figures {
  return { ...p, fallbackShare: p.organizations > 0 ? p.fallbackOnly / p.organizations : 0 };
}

type Figure = Exclude<keyof CoveragePoint, 'at'>;

/** The figures drawn, each with its label and whether it is a rate. */
const TREND_FIGURES: { key: Figure; label: string; rate: boolean }[] = [
  { key: 'organizations', label: '组织数', rate: false },
  { key: 'unassigned', label: '无人负责（盲区）', rate: false },
  { key: 'fallbackOnly', label: '仅乡镇（街道）兜底', rate: false },
  { key: 'shouldEstablish', label: '应建未建', rate: false },
  { key: 'responsibilityRate', label: '责任落实率', rate: true },
  { key: 'organizationalCoverageRate', label: '党的组织覆盖率', rate: true },
  { key: 'workCoverageRate', label: '党的工作覆盖率', rate: true },
];

const HISTORY = `query CoverageHistory($code: String, $from: String!, $to: String!) {
  coverageHistory(regionCode: $code, from: $from, to: $to) { ${POINT} }
}`;

/** How far back the charts look. */
const TREND_DAYS = 365;

const W = 240;
const H = 56;
const PAD = 4;

function show(value: number, rate: boolean): string {
  return rate ? pct(value) : int(value);
}

/** The change from the first point to the last, as a person reads it: "+12" or "+0.35 个百分点". */
function change(first: number, last: number, rate: boolean): string {
  const d = last - first;
  if (rate) {
    const points = d * 100;
    if (Math.abs(points) < 0.005) return '持平';
    return `${points > 0 ? '+' : '−'}${Math.abs(points).toFixed(2)} 个百分点`;
  }
  if (d === 0) return '持平';
  return `${d > 0 ? '+' : '−'}${int(Math.abs(d))}`;
}

function Sparkline(props: { points: CoveragePoint[]; figure: Figure; label: string; rate: boolean; marked?: string; onPick: (date: string) => void }) {
  const { points, figure, rate } = props;
  const [hover, setHover] = useState<number | null>(null);
  const times = points.map((p) => new Date(p.at).getTime());
  const values = points.map((p) => p[figure]);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const v0 = Math.min(...values);
  const v1 = Math.max(...values);
  const x = (t: number) => (t1 > t0 ? PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD) : W / 2);
  // A flat line sits in the middle rather than on an edge.
  const y = (v: number) => (v1 > v0 ? H - PAD - ((v - v0) / (v1 - v0)) * (H - 2 * PAD) : H / 2);
  const coords = points.map((_, i) => `${x(times[i]).toFixed(1)},${y(values[i]).toFixed(1)}`).join(' ');
  const last = points.length - 1;
  const shown = hover !== null && hover < points.length ? hover : last;
  const nearest = (clientX: number, box: DOMRect) => {
    const at = t0 + ((clientX - box.left) / box.width) * W;
    let best = 0;
    times.forEach((t, i) => {
      if (Math.abs(x(t) - at) < Math.abs(x(times[best]) - at)) best = i;
    });
    return best;
  };
  const markedIndex = props.marked ? points.map((p) => shanghaiDate(p.at)).lastIndexOf(props.marked) : -1;
  return (
    <figure class="trend" data-figure={figure} data-points={points.length}>
      <figcaption>
        <span class="trend-label">{props.label}</span>
        <span class="trend-value">{show(values[shown], rate)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`${props.label}变化趋势`}
        onMouseMove={(e) => setHover(nearest(e.clientX, (e.currentTarget as SVGSVGElement).getBoundingClientRect()))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => props.onPick(shanghaiDate(points[nearest(e.clientX, (e.currentTarget as SVGSVGElement).getBoundingClientRect())].at))}
      >
        {markedIndex >= 0 && <line class="trend-marked" x1={x(times[markedIndex])} x2={x(times[markedIndex])} y1={0} y2={H} />}
        <polyline class="trend-line" points={coords} />
        <circle class="trend-dot" cx={x(times[shown])} cy={y(values[shown])} r={3} />
      </svg>
      <div class="trend-foot small muted">
        {shown !== last || hover === last ? (
          <span>{timeLabel(points[shown].at)}</span>
        ) : (
          <span>
            较{dateLabel(shanghaiDate(points[0].at))}：{change(values[0], values[last], rate)}
          </span>
        )}
      </div>
    </figure>
  );
}

/** The trend of each figure of the region (none: the whole data set) over the last year. */
export function TrendCharts({ code, marked, onPick }: { code?: string; marked?: string; onPick: (date: string) => void }) {
  const today = shanghaiDate();
  const from = daysBefore(today, TREND_DAYS);
  const q = useQuery<{ coverageHistory: CoveragePoint[] }>(HISTORY, { code: code ?? null, from, to: today });
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <p class="muted small">加载中…</p>;
  else if (q.data.coverageHistory.length === 0)
    body = <p class="muted">近一年没有覆盖情况快照：系统每日零时自动记录一次，记录后即可显示变化趋势。</p>;
  else {
    const points = q.data.coverageHistory;
    body = (
      <>
        <p class="meta small">
          {dateLabel(shanghaiDate(points[0].at))}至{dateLabel(shanghaiDate(points[points.length - 1].at))}，共 {int(points.length)}{' '}
          次快照；点击折线可查看当日情况。
        </p>
        <div class="trends">
          {TREND_FIGURES.map((f) => (
            <Sparkline key={f.key} points={points} figure={f.key} label={f.label} rate={f.rate} marked={marked} onPick={onPick} />
          ))}
        </div>
      </>
    );
  }
  return (
    <section class="trend-section" data-ready={q.data && !q.loading ? 'true' : 'false'}>
      <h2>变化趋势（近一年）</h2>
      {body}
    </section>
  );
}

/** The date picker: a day (today included) whose snapshot to show instead of the live figures. */
export function DatePicker({ value, onChange }: { value?: string; onChange: (date?: string) => void }) {
  const today = shanghaiDate();
  return (
    <div class="date-picker">
      <label>
        查看历史日期：
        <input
          type="date"
          aria-label="查看历史日期"
          max={today}
          value={value ?? ''}
          onChange={(e) => {
            const v = (e.target as HTMLInputElement).value;
            onChange(v && v <= today ? v : undefined);
          }}
        />
      </label>
      {value && (
        <button type="button" class="link-button" onClick={() => onChange(undefined)}>
          返回当前情况
        </button>
      )}
    </div>
  );
}

/** The last snapshot of `date` for each region code ('' : the whole data set); codes with none are absent. */
export function useSnapshots(codes: string[], date: string | undefined) {
  const skip = !date || codes.length === 0;
  return useAsk<Map<string, CoveragePoint>>(
    `snapshots\u0000${date}\u0000${codes.join(',')}`,
    async () => {
      const field = (code: string) => `coverageHistory(regionCode: ${literal(code || null)}, from: ${literal(date)}, to: ${literal(date)}) { ${POINT} }`;
      const answers = await aliasedBatch<CoveragePoint[]>(field, codes);
      const out = new Map<string, CoveragePoint>();
      for (const [code, points] of answers) if (points.length > 0) out.set(code, points[points.length - 1]);
      return out;
    },
    skip,
  );
}
