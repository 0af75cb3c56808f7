/**
 * Analytics arithmetic (issue 8): date windows, daily series, rates, funnel stages and engagement
 * trends. Pure: the repository reads counters, these functions turn them into figures. Every division
 * guards its denominator, so empty data gives zeros, never NaN.
 */

export const ANALYTICS_RANGES = ["7d", "30d", "90d", "all"] as const;
export type AnalyticsRange = (typeof ANALYTICS_RANGES)[number];

const DAY_MS = 86_400_000;

/** Midnight UTC of the day `at` falls on: counters are kept per UTC day. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/**
 * The UTC days a range covers, both ends included: `7d` is today and the 6 days before it. `all`
 * starts at the earliest day anything was counted (today when nothing was).
 */
export function rangeWindow(range: AnalyticsRange, now: Date, earliest?: Date): { from: Date; to: Date } {
  const to = utcDay(now);
  if (range === "all") {
    const first = earliest ? utcDay(earliest) : to;
    return { from: new Date(Math.min(first.getTime(), to.getTime())), to };
  }
  const days = Number.parseInt(range, 10);
  return { from: new Date(to.getTime() - (days - 1) * DAY_MS), to };
}

export function inWindow(day: Date, window: { from: Date; to: Date }): boolean {
  return day >= window.from && day <= window.to;
}

/** Whole UTC days from `from` to `to`, both included (0 when `to` is before `from`). */
export function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((utcDay(to).getTime() - utcDay(from).getTime()) / DAY_MS) + 1);
}

/** One point per day of the window, in order, each with every metric (missing days are zeros). */
export function dailySeries<M extends string>(
  window: { from: Date; to: Date },
  metrics: readonly M[],
  counts: ReadonlyMap<string, Partial<Record<M, number>>>,
): Array<{ date: string } & Record<M, number>> {
  const series: Array<{ date: string } & Record<M, number>> = [];
  for (let at = window.from.getTime(); at <= window.to.getTime(); at += DAY_MS) {
    const date = isoDay(new Date(at));
    const day: Partial<Record<M, number>> = counts.get(date) ?? {};
    const point = { date } as { date: string } & Record<M, number>;
    for (const metric of metrics) (point as Record<string, unknown>)[metric] = day[metric] ?? 0;
    series.push(point);
  }
  return series;
}

/** numerator / denominator as a fraction rounded to 4 decimals; 0 when there is nothing to divide by. */
export function rate(numerator: number, denominator: number): number {
  if (!(denominator > 0) || !Number.isFinite(numerator)) return 0;
  return Math.round((numerator / denominator) * 10_000) / 10_000;
}

export const FUNNEL_STAGES = ["visits", "leads", "engaged", "customers"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface FunnelStageFigure {
  stage: FunnelStage;
  count: number;
  share_of_first: number;
  conversion_from_previous: number;
}

/**
 * The funnel's stages from raw counts. Each stage is a subset of the one before: leads are contacts
 * who submitted a form, engaged are leads scoring 41+ or already customers, customers are leads who
 * became customers. Visits are page views; a lead always counts as a visit, because the view that led
 * to a submission may fall before the window (or a JSON submission had no page view at all).
 */
export function funnel(counts: {
  views: number;
  leads: number;
  engaged: number;
  customers: number;
}): FunnelStageFigure[] {
  const values: Record<FunnelStage, number> = {
    visits: Math.max(counts.leads, counts.views),
    leads: counts.leads,
    engaged: counts.engaged,
    customers: counts.customers,
  };
  return FUNNEL_STAGES.map((stage, index) => {
    const previous = index === 0 ? values[stage] : values[FUNNEL_STAGES[index - 1] as FunnelStage];
    return {
      stage,
      count: values[stage],
      share_of_first: rate(values[stage], values.visits),
      conversion_from_previous: rate(values[stage], previous),
    };
  });
}

export const ENGAGEMENT_TRENDS = ["improving", "stable", "declining"] as const;
export type EngagementTrend = (typeof ENGAGEMENT_TRENDS)[number];

/** Score points a contact must gain or lose over 30 days to count as improving or declining. */
export const TREND_THRESHOLD = 10;
export const TREND_DAYS = 30;

/** The score now against the score 30 days ago: more than 10 points up improves, down declines. */
export function engagementTrend(current: number, previous: number): EngagementTrend {
  const change = current - previous;
  if (change > TREND_THRESHOLD) return "improving";
  if (change < -TREND_THRESHOLD) return "declining";
  return "stable";
}
