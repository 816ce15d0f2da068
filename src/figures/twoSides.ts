/**
 * Figures 1 and 2 of the post: 1-D Gaussian data, exact probability-flow paths against 5-step DDIM and
 * probability-flow Euler; figure 1 rescales flow matching toward its VP version (frames of the slider),
 * figure 2 compares the two schedules across data widths.
 */
import {
  ddim,
  flowMatching,
  gaussian,
  gaussianPath,
  mixtureOracle,
  pfEuler,
  rescaleToward,
  uniformT,
  type Sampler,
  type Schedule,
} from '../core/index.js';
import { lineChart, panelGrid, PALETTE, type LineSeries } from './plot/index.js';

export const START_POINTS = [-2, -1.2, -0.4, 0.4, 1.2, 2] as const;
export const VARIANCES = [0.01, 0.05, 0.1, 0.5, 1] as const;
export const THETAS = [0, 0.25, 0.5, 0.75, 1] as const;
const STEPS = 5;
const KEY = 'Grey: exact path; blue: DDIM, 5 steps; orange dashed: probability-flow Euler, 5 steps';
const FINE = 101;

/** Paths of all start points: exact (FINE points) and the two samplers (their grid points). */
export interface PathPanel {
  readonly schedule: string;
  readonly variance: number;
  readonly theta: number;
  readonly steps: number;
  readonly tFine: number[];
  readonly exact: number[][];
  readonly tGrid: number[];
  readonly ddim: number[][];
  readonly euler: number[][];
  /** End points z_0 per start point. */
  readonly ends: { readonly exact: number[]; readonly ddim: number[]; readonly euler: number[] };
}

async function trajectory(sampler: Sampler, schedule: Schedule, variance: number, z1: Float64Array, steps: number): Promise<number[][]> {
  const rows: number[][] = [Array.from(z1)];
  await sampler(mixtureOracle(gaussian([0], Math.sqrt(variance)), schedule), z1, uniformT(steps), {
    onStep: ({ z }) => rows.push(Array.from(z)),
  });
  return z1.length ? Array.from(z1, (_, k) => rows.map((r) => r[k])) : [];
}

/** One panel: data N(0, variance) on flow matching rescaled by θ toward VP, `steps` uniform steps (default 5). */
export async function pathPanel(variance: number, theta: number, steps = STEPS): Promise<PathPanel> {
  const schedule = rescaleToward(flowMatching(), theta);
  const std = Math.sqrt(variance);
  const z1 = Float64Array.from(START_POINTS); // σ(1) = 1 for every θ, so the start points are the same.
  const tFine = Array.from({ length: FINE }, (_, i) => 1 - i / (FINE - 1));
  const exact = START_POINTS.map((z) => tFine.map((t) => gaussianPath([0], std, schedule, Float64Array.of(z), 1, t)[0]));
  const ddimPaths = await trajectory(ddim, schedule, variance, z1, steps);
  const eulerPaths = await trajectory(pfEuler, schedule, variance, z1, steps);
  return {
    schedule: schedule.name,
    variance,
    theta,
    steps,
    tFine,
    exact,
    tGrid: Array.from(uniformT(steps)),
    ddim: ddimPaths,
    euler: eulerPaths,
    ends: { exact: exact.map((p) => p[p.length - 1]), ddim: ddimPaths.map((p) => p[steps]), euler: eulerPaths.map((p) => p[steps]) },
  };
}

/** Figure 1: the rescaling slider as frames θ ∈ THETAS, data N(0, 0.01). */
export async function computeRescaling(): Promise<{ variance: number; frames: PathPanel[] }> {
  return { variance: 0.01, frames: await Promise.all(THETAS.map((theta) => pathPanel(0.01, theta))) };
}

/** Figure 2: flow matching (θ = 0) vs its VP version (θ = 1) for each data variance. */
export async function computeStraightness(): Promise<{ rows: { schedule: string; panels: PathPanel[] }[] }> {
  return {
    rows: await Promise.all(
      [0, 1].map(async (theta) => ({
        schedule: theta === 0 ? 'flow matching' : 'VP version of flow matching',
        panels: await Promise.all(VARIANCES.map((v) => pathPanel(v, theta))),
      })),
    ),
  };
}

function panelSvg(p: PathPanel, title: string): string {
  const series: LineSeries[] = [];
  p.exact.forEach((y, k) => series.push({ name: k === 0 ? 'exact path' : undefined, x: p.tFine, y, color: '#888888', width: 1.5 }));
  p.ddim.forEach((y, k) =>
    series.push({ name: k === 0 ? 'DDIM, 5 steps' : undefined, x: p.tGrid, y, color: PALETTE[0], markers: true, width: 1.5 }),
  );
  p.euler.forEach((y, k) =>
    series.push({
      name: k === 0 ? 'PF Euler, 5 steps' : undefined,
      x: p.tGrid,
      y,
      color: PALETTE[1],
      dash: '5 3',
      markers: true,
      width: 1.5,
    }),
  );
  return lineChart({
    width: 300,
    height: 260,
    title,
    xLabel: 't',
    yLabel: 'z_t',
    xDomain: [0, 1],
    yDomain: [-2.6, 2.6],
    series,
    legend: false,
  });
}

export function renderRescaling(data: { variance: number; frames: PathPanel[] }): string {
  const panels = data.frames.map((f) => panelSvg(f, `θ = ${f.theta}${f.theta === 0 ? ' (FM)' : f.theta === 1 ? ' (VP)' : ''}`));
  return panelGrid(panels, panels.length, {
    title:
      `Rescaling flow matching toward VP, data N(0, ${data.variance}). ${KEY}. ` +
      `DDIM stays on the exact path, probability-flow Euler moves off it`,
  });
}

export function renderStraightness(data: { rows: { schedule: string; panels: PathPanel[] }[] }): string {
  const panels = data.rows.flatMap((row, r) => row.panels.map((p) => panelSvg(p, `${r === 0 ? 'FM' : 'VP'}, data variance ${p.variance}`)));
  return panelGrid(panels, VARIANCES.length, {
    title: `Flow matching (top) vs its VP version (bottom): which paths are straight depends on the data's width. ${KEY}`,
  });
}
