/**
 * Figure 5 of the post: particles of a 2-D Gaussian mixture at time t moved to t' > t in two ways — a DDIM
 * step run backwards (deterministic, the probability-flow ODE) and a forward diffusion step (random). The
 * motion differs, the distribution does not: both clouds are compared with fresh samples of p_{t'}.
 */
import { energyDistance, flowMatching, mixture, mixtureOracle, rng } from '../core/index.js';
import { panelGrid, PALETTE, scatterChart, type LineSeries } from './plot/index.js';

const DATA = mixture({ dim: 2, means: [-1.6, -1.2, 1.6, -1.2, 0, 1.6, 1.8, 1.8], stds: 0.15, weights: [0.3, 0.3, 0.25, 0.15] });

export function computeParticles(options: { n?: number; t?: number; tNext?: number; seed?: number } = {}) {
  const n = options.n ?? 4000;
  const t = options.t ?? 0.3;
  const tNext = options.tNext ?? 0.5;
  const g = rng(options.seed ?? 0);
  const schedule = flowMatching();
  const oracle = mixtureOracle(DATA, schedule);
  const forward = (x: Float64Array, u: number) => x.map((v, i) => schedule.alpha(u) * v + schedule.sigma(u) * noise[i]);
  const noise = g.normals(2 * n);
  const zT = forward(oracle.sample(n, g), t);
  // A DDIM step from t up to t' (the same update, run the other way).
  const d = oracle.denoise(zT, t);
  const ddimUp = zT.map((_, i) => schedule.alpha(tNext) * d.x[i] + schedule.sigma(tNext) * d.eps[i]);
  // The forward process from t to t': z' = (α'/α) z + sqrt(σ'² − (α'σ/α)²) ξ.
  const ratio = schedule.alpha(tNext) / schedule.alpha(t);
  const extra = Math.sqrt(schedule.sigma(tNext) ** 2 - (ratio * schedule.sigma(t)) ** 2);
  const xi = g.normals(2 * n);
  const diffused = zT.map((v, i) => ratio * v + extra * xi[i]);
  const fresh = (() => {
    const x = oracle.sample(n, g);
    const e = g.normals(2 * n);
    return x.map((v, i) => schedule.alpha(tNext) * v + schedule.sigma(tNext) * e[i]);
  })();
  const fresh2 = (() => {
    const x = oracle.sample(n, g);
    const e = g.normals(2 * n);
    return x.map((v, i) => schedule.alpha(tNext) * v + schedule.sigma(tNext) * e[i]);
  })();
  return {
    t,
    tNext,
    n,
    zT: Array.from(zT),
    ddimUp: Array.from(ddimUp),
    diffused: Array.from(diffused),
    energyToFresh: {
      ddimUp: energyDistance(ddimUp, fresh, 2),
      diffused: energyDistance(diffused, fresh, 2),
      freshVsFresh: energyDistance(fresh2, fresh, 2),
    },
  };
}

function motionPanel(data: ReturnType<typeof computeParticles>, moved: number[], title: string, color: string): string {
  const shown = 80;
  const drawn = 600;
  const lines: LineSeries[] = [];
  for (let k = 0; k < shown; k++) {
    lines.push({
      x: [data.zT[2 * k], moved[2 * k]],
      y: [data.zT[2 * k + 1], moved[2 * k + 1]],
      color: '#222222',
      width: 1.2,
      opacity: 0.8,
    });
  }
  const xs = (a: number[]) => a.slice(0, 2 * drawn).filter((_, i) => i % 2 === 0);
  const ys = (a: number[]) => a.slice(0, 2 * drawn).filter((_, i) => i % 2 === 1);
  return scatterChart({
    width: 360,
    height: 360,
    title,
    xDomain: [-3.2, 3.2],
    yDomain: [-3.2, 3.2],
    equalAspect: true,
    lines,
    points: [
      { name: `z at t = ${data.t}`, x: xs(data.zT), y: ys(data.zT), color: '#999999', radius: 2, opacity: 0.5 },
      { name: `moved to t' = ${data.tNext}`, x: xs(moved), y: ys(moved), color, radius: 2, opacity: 0.7 },
    ],
    legend: 'bottom',
  });
}

export function renderParticles(data: ReturnType<typeof computeParticles>): string {
  const e = data.energyToFresh;
  return panelGrid(
    [
      motionPanel(data, data.ddimUp, `Reversed DDIM step: ED ${(1e3 * e.ddimUp).toFixed(2)}`, PALETTE[0]),
      motionPanel(data, data.diffused, `Forward diffusion step: ED ${(1e3 * e.diffused).toFixed(2)}`, PALETTE[1]),
    ],
    2,
    {
      title: `Different motion, same distribution (ED: energy distance ×1e3 to p(z_t'))`,
    },
  );
}
