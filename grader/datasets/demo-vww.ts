/**
 * A demo VWW set the project makes itself (demo only — rendered scenes are not COCO photographs):
 * procedurally drawn outdoor, street, indoor and cluttered scenes, half of them with one or more
 * drawn human figures (full body in several poses, or a head-and-shoulders close-up), half without.
 * The two halves come from the same scene generator, so only the figure tells them apart, and the
 * labels are true by construction. Optionally, `from` adds augmented copies (crops, flips, light and
 * colour changes) of an organizer's own labelled images (person/ and non_person/ or no_person/),
 * keeping their labels. Images go to person/ and non_person/ as PNG, then buildVwwSet makes the set.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { PNG } from 'pngjs';
import { buildVwwSet } from './build-vww.js';
import { DatasetError } from './dataset.js';
import { markDemo } from './demo-manifest.js';
import { decodeImage, resizeRgb, type Rgb } from './images.js';
import { seededRng, type Rng } from '../../lib/rng.js';

export interface VwwDemoOptions {
  /** Rendered images per class (person, non_person). Default 50. */
  perClass?: number;
  seed?: number;
  /** An organizer folder with person/ and non_person/ (or no_person/) images to augment. */
  from?: string;
  /** Augmented copies per organizer image. Default 8. */
  augment?: number;
}

export interface VwwDemoResult {
  samples: number;
  persons: number;
  rendered: number;
  augmented: number;
}

/** Scenes are drawn at twice the model's resolution; the build's bilinear 2:1 resize smooths edges. */
const SIZE = 192;
type Colour = readonly [number, number, number];

/** A float RGB canvas with the few primitives the scenes need (shapes test each pixel centre). */
class Canvas {
  readonly px = new Float32Array(SIZE * SIZE * 3);

  private blend(x: number, y: number, c: Colour, a = 1): void {
    if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) return;
    const i = (y * SIZE + x) * 3;
    for (let k = 0; k < 3; k++) this.px[i + k] = this.px[i + k]! * (1 - a) + c[k]! * a;
  }

  /** Fill pixels in the box for which `inside(x, y)` holds, with a colour per pixel. */
  fill(x0: number, y0: number, x1: number, y1: number, inside: (x: number, y: number) => boolean, colour: (x: number, y: number) => Colour, alpha = 1): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(SIZE, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(SIZE, Math.ceil(x1)); x++) {
        if (inside(x + 0.5, y + 0.5)) this.blend(x, y, colour(x + 0.5, y + 0.5), alpha);
      }
    }
  }

  rect(x0: number, y0: number, x1: number, y1: number, c: Colour, alpha = 1): void {
    this.fill(x0, y0, x1, y1, () => true, () => c, alpha);
  }

  /** Vertical gradient from `top` to `bottom` over rows y0…y1. */
  gradient(x0: number, y0: number, x1: number, y1: number, top: Colour, bottom: Colour): void {
    this.fill(x0, y0, x1, y1, () => true, (_x, y) => mix(top, bottom, (y - y0) / Math.max(1, y1 - y0)));
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, c: Colour | ((x: number, y: number) => Colour), alpha = 1): void {
    const colour = typeof c === 'function' ? c : () => c;
    this.fill(cx - rx, cy - ry, cx + rx, cy + ry, (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1, colour, alpha);
  }

  /** An ellipse shaded like a lit solid (light from the upper left). */
  ball(cx: number, cy: number, rx: number, ry: number, c: Colour, round = 0.35): void {
    this.ellipse(cx, cy, rx, ry, (x, y) => {
      const u = (x - cx) / rx;
      const v = (y - cy) / ry;
      return shade(c, 1.05 - round * (u * u + v * v) - 0.15 * round * (u + v));
    });
  }

  polygon(pts: readonly (readonly [number, number])[], c: Colour | ((x: number, y: number) => Colour), alpha = 1): void {
    const colour = typeof c === 'function' ? c : () => c;
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const inside = (x: number, y: number) => {
      let odd = false;
      for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
        const [xi, yi] = pts[i]!;
        const [xj, yj] = pts[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
      return odd;
    };
    this.fill(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), inside, colour, alpha);
  }

  /** A thick segment with round ends (limbs, poles, branches); `round` > 0 shades it like a cylinder. */
  capsule(ax: number, ay: number, bx: number, by: number, r: number, c: Colour, alpha = 1, round = 0): void {
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1;
    const len = Math.sqrt(len2);
    const inside = (x: number, y: number) => {
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= r * r;
    };
    const colour = (x: number, y: number): Colour => {
      if (round === 0) return c;
      // Signed distance across the axis, -1…1; the side facing the light is brighter.
      const across = Math.max(-1, Math.min(1, ((x - ax) * dy - (y - ay) * dx) / len / r));
      return shade(c, 1 - round * across * across + 0.5 * round * across * Math.sign(dy || 1));
    };
    this.fill(Math.min(ax, bx) - r, Math.min(ay, by) - r, Math.max(ax, bx) + r, Math.max(ay, by) + r, inside, colour, alpha);
  }

  /** Low-frequency texture (value noise) over a box, ±amp around the existing colour. */
  texture(rng: Rng, x0: number, y0: number, x1: number, y1: number, cell: number, amp: number): void {
    const gw = Math.ceil((x1 - x0) / cell) + 2;
    const gh = Math.ceil((y1 - y0) / cell) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => rng.range(-1, 1));
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(SIZE, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(SIZE, Math.ceil(x1)); x++) {
        const fx = Math.max(0, x + 0.5 - x0) / cell;
        const fy = Math.max(0, y + 0.5 - y0) / cell;
        const ix = Math.floor(fx);
        const iy = Math.floor(fy);
        const u = fx - ix;
        const v = fy - iy;
        const g = (a: number, b: number) => grid[Math.min(gh - 1, iy + b) * gw + Math.min(gw - 1, ix + a)]!;
        const n = (g(0, 0) * (1 - u) + g(1, 0) * u) * (1 - v) + (g(0, 1) * (1 - u) + g(1, 1) * u) * v;
        const i = (y * SIZE + x) * 3;
        for (let k = 0; k < 3; k++) this.px[i + k] = this.px[i + k]! + amp * n;
      }
    }
  }

  /** Camera-like finish: a little lens blur, exposure/contrast change, colour cast and sensor noise; 8-bit RGBA out. */
  finish(rng: Rng): Buffer {
    const src = this.px.slice();
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        for (let k = 0; k < 3; k++) {
          let sum = 0;
          for (let j = -1; j <= 1; j++) {
            for (let i = -1; i <= 1; i++) {
              const yy = Math.min(SIZE - 1, Math.max(0, y + j));
              const xx = Math.min(SIZE - 1, Math.max(0, x + i));
              sum += src[(yy * SIZE + xx) * 3 + k]! * (2 - Math.abs(i)) * (2 - Math.abs(j));
            }
          }
          this.px[(y * SIZE + x) * 3 + k] = sum / 16;
        }
      }
    }
    const gain = rng.range(0.75, 1.2);
    const contrast = rng.range(0.8, 1.15);
    const cast = [rng.range(0.92, 1.08), rng.range(0.92, 1.08), rng.range(0.92, 1.08)];
    const sigma = rng.range(2, 7);
    const out = Buffer.alloc(SIZE * SIZE * 4);
    for (let p = 0; p < SIZE * SIZE; p++) {
      for (let k = 0; k < 3; k++) {
        const v = ((this.px[p * 3 + k]! - 128) * contrast + 128) * gain * cast[k]! + sigma * rng.gauss();
        out[p * 4 + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
      out[p * 4 + 3] = 255;
    }
    return out;
  }
}

const mix = (a: Colour, b: Colour, t: number): Colour => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const shade = (c: Colour, f: number): Colour => [c[0] * f, c[1] * f, c[2] * f];
const jitter = (rng: Rng, c: Colour, amount = 20): Colour => [c[0] + rng.range(-amount, amount), c[1] + rng.range(-amount, amount), c[2] + rng.range(-amount, amount)];
const randomColour = (rng: Rng): Colour => [rng.range(20, 235), rng.range(20, 235), rng.range(20, 235)];

const SKIES: Colour[] = [[110, 160, 225], [150, 190, 235], [190, 200, 210], [235, 170, 120], [90, 110, 150]];
const GROUNDS: Colour[] = [[80, 130, 60], [110, 150, 70], [170, 150, 110], [120, 120, 120], [200, 190, 160], [90, 80, 60]];
const WALLS: Colour[] = [[220, 210, 190], [200, 215, 220], [235, 235, 230], [180, 160, 140], [210, 190, 200], [160, 180, 150]];
const FLOORS: Colour[] = [[140, 100, 60], [170, 130, 90], [110, 110, 120], [190, 180, 160], [90, 60, 40]];
const SKIN: Colour[] = [[255, 220, 190], [240, 195, 160], [225, 170, 130], [190, 135, 95], [150, 100, 70], [105, 70, 50], [80, 55, 40]];
/** Everyday clothes: denim, black, grey, white, navy, khaki, muted colours, the odd bright one. */
const CLOTHES: Colour[] = [[60, 80, 120], [40, 55, 90], [30, 30, 35], [90, 90, 95], [150, 150, 155], [225, 225, 220], [30, 40, 70], [170, 150, 110], [120, 40, 45], [80, 90, 60], [110, 75, 50], [200, 60, 60], [60, 120, 170], [230, 190, 70]];
const HAIR: Colour[] = [[30, 25, 20], [70, 45, 30], [120, 80, 40], [200, 170, 110], [150, 150, 150], [90, 30, 20]];

type SceneKind = 'outdoor' | 'street' | 'indoor' | 'clutter';
const SCENES: SceneKind[] = ['outdoor', 'street', 'indoor', 'clutter'];

/** Draws a scene; returns the horizon (where figures stand on the ground plane below it). */
function drawScene(c: Canvas, rng: Rng, kind: SceneKind): number {
  const horizon = rng.range(0.3, 0.6) * SIZE;
  if (kind === 'outdoor' || kind === 'street') {
    const sky = rng.pick(SKIES);
    c.gradient(0, 0, SIZE, horizon, shade(sky, 0.85), mix(sky, [255, 255, 255], 0.4));
    for (let k = rng.int(0, 3); k > 0; k--) {
      const cx = rng.range(0, SIZE);
      const cy = rng.range(5, horizon * 0.7);
      for (let b = 0; b < 4; b++) c.ellipse(cx + rng.range(-20, 20), cy + rng.range(-5, 5), rng.range(12, 28), rng.range(6, 12), [245, 245, 245], 0.8);
    }
    const ground = rng.pick(GROUNDS);
    c.gradient(0, horizon, SIZE, SIZE, shade(ground, 0.8), jitter(rng, ground));
    c.texture(rng, 0, horizon, SIZE, SIZE, rng.range(6, 20), rng.range(8, 25));
    if (kind === 'outdoor') {
      // Hills, then trees and the odd house.
      const hill = shade(rng.pick(GROUNDS), 0.7);
      const pts: [number, number][] = [[0, horizon]];
      for (let x = 0; x <= SIZE; x += 16) pts.push([x, horizon - rng.range(0, 30)]);
      pts.push([SIZE, horizon]);
      c.polygon(pts, hill);
      for (let k = rng.int(1, 6); k > 0; k--) tree(c, rng, rng.range(0, SIZE), rng.range(horizon, SIZE), horizon);
      if (rng.next() < 0.5) house(c, rng, rng.range(10, SIZE - 60), horizon + rng.range(0, 20), rng.range(30, 70));
    } else {
      // Building fronts, a road, cars, poles.
      for (let x = -rng.range(0, 30); x < SIZE; ) {
        const w = rng.range(30, 70);
        const h = rng.range(40, horizon + 20);
        building(c, rng, x, horizon + 10 - h, w, h);
        x += w + rng.range(0, 8);
      }
      c.rect(0, horizon + 10, SIZE, horizon + rng.range(30, 60), shade([90, 90, 95], rng.range(0.8, 1.2)));
      for (let k = rng.int(0, 3); k > 0; k--) car(c, rng, rng.range(-20, SIZE), rng.range(horizon + 20, SIZE - 10), rng.range(30, 70));
      for (let k = rng.int(0, 3); k > 0; k--) {
        const x = rng.range(0, SIZE);
        const base = rng.range(horizon + 10, SIZE);
        c.capsule(x, base, x, base - rng.range(50, 120), rng.range(1.5, 3), [70, 70, 75]);
      }
    }
  } else if (kind === 'indoor') {
    // Back wall, floor, window, furniture, pictures, shelves, a plant.
    const wall = jitter(rng, rng.pick(WALLS));
    c.rect(0, 0, SIZE, horizon, wall);
    c.texture(rng, 0, 0, SIZE, horizon, rng.range(10, 30), rng.range(3, 10));
    const floor = rng.pick(FLOORS);
    c.gradient(0, horizon, SIZE, SIZE, shade(floor, 0.85), jitter(rng, floor));
    for (let x = -SIZE; x < 2 * SIZE; x += rng.range(14, 30)) c.capsule(SIZE / 2 + (x - SIZE / 2) * 0.3, horizon, x, SIZE, 0.6, shade(floor, 0.7), 0.6);
    if (rng.next() < 0.7) {
      const wx = rng.range(10, SIZE - 70);
      const wy = rng.range(10, Math.max(12, horizon - 60));
      const ww = rng.range(40, 70);
      const wh = rng.range(30, Math.max(32, horizon - wy - 5));
      c.rect(wx - 3, wy - 3, wx + ww + 3, wy + wh + 3, [240, 240, 240]);
      c.gradient(wx, wy, wx + ww, wy + wh, rng.pick(SKIES), [220, 230, 240]);
      c.rect(wx + ww / 2 - 1.5, wy, wx + ww / 2 + 1.5, wy + wh, [240, 240, 240]);
    }
    for (let k = rng.int(0, 3); k > 0; k--) {
      const x = rng.range(0, SIZE - 30);
      const y = rng.range(5, Math.max(6, horizon - 35));
      const w = rng.range(15, 35);
      const h = rng.range(12, 30);
      c.rect(x, y, x + w, y + h, [60, 40, 25]);
      c.rect(x + 2, y + 2, x + w - 2, y + h - 2, randomColour(rng));
      c.texture(rng, x + 2, y + 2, x + w - 2, y + h - 2, 4, 30);
    }
    if (rng.next() < 0.5) shelf(c, rng, rng.range(0, SIZE - 50), horizon, rng.range(35, 60));
    for (let k = rng.int(1, 3); k > 0; k--) furniture(c, rng, rng.range(0, SIZE - 40), rng.range(horizon + 10, SIZE - 5));
    if (rng.next() < 0.5) plant(c, rng, rng.range(10, SIZE - 10), rng.range(horizon + 10, SIZE - 5));
  } else {
    // Geometric clutter on a textured background, including tall thin shapes.
    c.gradient(0, 0, SIZE, SIZE, randomColour(rng), randomColour(rng));
    c.texture(rng, 0, 0, SIZE, SIZE, rng.range(8, 40), rng.range(10, 30));
    for (let k = rng.int(6, 16); k > 0; k--) {
      const col = randomColour(rng);
      const x = rng.range(-10, SIZE);
      const y = rng.range(-10, SIZE);
      const s = rng.range(8, 60);
      const what = rng.int(0, 3);
      if (what === 0) c.rect(x, y, x + s * rng.range(0.2, 1.5), y + s * rng.range(0.2, 1.5), col);
      else if (what === 1) c.ellipse(x, y, s / 2, s * rng.range(0.2, 0.8), col);
      else if (what === 2) c.polygon([[x, y], [x + rng.range(-s, s), y + rng.range(-s, s)], [x + rng.range(-s, s), y + rng.range(-s, s)]], col);
      else c.capsule(x, y, x + rng.range(-s, s), y + rng.range(-s, s), rng.range(2, 6), col);
    }
  }
  return horizon;
}

function tree(c: Canvas, rng: Rng, x: number, base: number, horizon: number): void {
  const scale = 0.4 + (1.6 * (base - horizon)) / (SIZE - horizon + 1);
  const h = rng.range(30, 70) * scale;
  c.capsule(x, base, x, base - h * 0.5, 3 * scale, [90, 60, 35]);
  const leaf = jitter(rng, [50, 110, 45], 25);
  for (let k = 0; k < 5; k++) c.ellipse(x + rng.range(-h * 0.25, h * 0.25), base - h * rng.range(0.5, 0.9), h * rng.range(0.2, 0.35), h * rng.range(0.15, 0.3), shade(leaf, rng.range(0.8, 1.15)));
}

function house(c: Canvas, rng: Rng, x: number, base: number, w: number): void {
  const h = w * rng.range(0.6, 0.9);
  c.rect(x, base - h, x + w, base, jitter(rng, rng.pick(WALLS)));
  c.polygon([[x - 4, base - h], [x + w / 2, base - h - w * 0.45], [x + w + 4, base - h]], jitter(rng, [140, 60, 50], 30));
  c.rect(x + w * 0.4, base - h * 0.5, x + w * 0.6, base, [90, 60, 40]);
  c.rect(x + w * 0.1, base - h * 0.8, x + w * 0.3, base - h * 0.55, [150, 190, 220]);
  c.rect(x + w * 0.7, base - h * 0.8, x + w * 0.9, base - h * 0.55, [150, 190, 220]);
}

function building(c: Canvas, rng: Rng, x: number, top: number, w: number, h: number): void {
  const wall = jitter(rng, rng.pick([[170, 160, 150], [150, 90, 70], [200, 200, 190], [120, 120, 130]] as Colour[]));
  c.rect(x, top, x + w, top + h, wall);
  const glass = jitter(rng, [80, 100, 120]);
  for (let y = top + 5; y < top + h - 12; y += 14) for (let xx = x + 4; xx < x + w - 8; xx += 12) c.rect(xx, y, xx + 7, y + 9, glass);
}

function car(c: Canvas, rng: Rng, x: number, base: number, w: number): void {
  const body = randomColour(rng);
  c.rect(x, base - w * 0.3, x + w, base - w * 0.1, body);
  c.polygon([[x + w * 0.2, base - w * 0.3], [x + w * 0.3, base - w * 0.5], [x + w * 0.7, base - w * 0.5], [x + w * 0.8, base - w * 0.3]], shade(body, 0.9));
  c.rect(x + w * 0.33, base - w * 0.47, x + w * 0.67, base - w * 0.32, [150, 180, 200]);
  c.ellipse(x + w * 0.22, base - w * 0.1, w * 0.1, w * 0.1, [25, 25, 25]);
  c.ellipse(x + w * 0.78, base - w * 0.1, w * 0.1, w * 0.1, [25, 25, 25]);
}

function shelf(c: Canvas, rng: Rng, x: number, base: number, w: number): void {
  const h = rng.range(50, 90);
  c.rect(x, base - h, x + w, base + 5, [110, 75, 45]);
  for (let y = base - h + 4; y < base; y += 16) {
    for (let xx = x + 3; xx < x + w - 5; ) {
      const bw = rng.range(3, 6);
      c.rect(xx, y + rng.range(0, 4), xx + bw, y + 13, randomColour(rng));
      xx += bw + 0.5;
    }
  }
}

function furniture(c: Canvas, rng: Rng, x: number, base: number): void {
  const wood = jitter(rng, [130, 90, 55], 30);
  const w = rng.range(25, 55);
  if (rng.next() < 0.5) {
    // Table.
    c.rect(x, base - w * 0.6, x + w, base - w * 0.52, wood);
    c.rect(x + 2, base - w * 0.52, x + 5, base, shade(wood, 0.8));
    c.rect(x + w - 5, base - w * 0.52, x + w - 2, base, shade(wood, 0.8));
    if (rng.next() < 0.6) c.ellipse(x + w * 0.5, base - w * 0.66, w * 0.12, w * 0.08, randomColour(rng));
  } else {
    // Chair or sofa.
    const col = jitter(rng, rng.pick([[120, 40, 40], [60, 80, 120], [90, 90, 90], wood] as Colour[]));
    c.rect(x, base - w * 0.9, x + w * 0.25, base - w * 0.35, col);
    c.rect(x, base - w * 0.45, x + w, base - w * 0.3, shade(col, 1.1));
    c.rect(x + 2, base - w * 0.3, x + 5, base, shade(col, 0.7));
    c.rect(x + w - 5, base - w * 0.3, x + w - 2, base, shade(col, 0.7));
  }
}

function plant(c: Canvas, rng: Rng, x: number, base: number): void {
  c.polygon([[x - 8, base - 16], [x + 8, base - 16], [x + 6, base], [x - 6, base]], jitter(rng, [170, 90, 60]));
  for (let k = 0; k < 7; k++) c.capsule(x, base - 16, x + rng.range(-18, 18), base - 16 - rng.range(10, 35), 2.5, jitter(rng, [60, 130, 60]));
}

/** A standing/walking/waving human figure with its feet at (x, feet), `h` pixels tall. */
function figure(c: Canvas, rng: Rng, x: number, feet: number, h: number): void {
  const skin = jitter(rng, rng.pick(SKIN), 8);
  const hair = rng.pick(HAIR);
  const shirt = jitter(rng, rng.pick(CLOTHES), 12);
  const trousers = jitter(rng, rng.pick(CLOTHES.slice(0, 10)), 10);
  const pose = rng.pick(['stand', 'walk', 'wave', 'hips'] as const);
  const facing = rng.next() < 0.75; // front (face visible) or back
  const u = h / 100; // body units
  const headY = feet - 91 * u;
  const shoulderY = feet - 80 * u;
  const hipY = feet - 50 * u;
  const kneeY = feet - 26 * u;
  const sw = 12 * u; // half shoulder width
  const limb = 4.2 * u;
  const round = 0.35;
  // Legs.
  const stride = pose === 'walk' ? 9 * u : 2.5 * u;
  for (const dx of [-stride, stride]) {
    const side = Math.sign(dx) * 3.5 * u;
    c.capsule(x + dx * 0.3 + side, hipY, x + dx * 0.7 + side, kneeY, limb * 1.15, trousers, 1, round);
    c.capsule(x + dx * 0.7 + side, kneeY, x + dx + side, feet - 3 * u, limb, trousers, 1, round);
    c.ball(x + dx + side + (facing ? 0 : 1) * 2 * u, feet - 1.5 * u, 4.5 * u, 2.2 * u, [35, 30, 30]);
  }
  // Torso (shoulders to hips), a little wider at the shoulders, rounded by shading across it.
  const torso = (px: number, py: number) => shade(shirt, 1.02 - 0.35 * ((px - x + 2 * u) / (sw + 2 * u)) ** 2 - 0.1 * ((py - shoulderY) / (hipY - shoulderY)));
  c.polygon([[x - sw, shoulderY], [x + sw, shoulderY], [x + 9 * u, hipY + 2 * u], [x - 9 * u, hipY + 2 * u]], torso);
  c.ball(x - sw + 1.5 * u, shoulderY + 2 * u, 4 * u, 3.5 * u, shirt);
  c.ball(x + sw - 1.5 * u, shoulderY + 2 * u, 4 * u, 3.5 * u, shirt);
  // Arms: upper arm in the shirt colour, forearm in skin (short sleeves) or shirt.
  const sleeve = rng.next() < 0.5 ? shirt : skin;
  const arm = (side: number, elbow: [number, number], hand: [number, number]) => {
    const sx = x + side * (sw - 1 * u);
    const sy = shoulderY + 2 * u;
    c.capsule(sx, sy, x + elbow[0] * u * side, feet - elbow[1] * u, limb, shirt, 1, round);
    c.capsule(x + elbow[0] * u * side, feet - elbow[1] * u, x + hand[0] * u * side, feet - hand[1] * u, limb * 0.9, sleeve, 1, round);
    c.ball(x + hand[0] * u * side, feet - hand[1] * u, 2.8 * u, 3.2 * u, skin);
  };
  const swing = pose === 'walk' ? 6 : 0;
  arm(-1, [14 + swing * 0.3, 64], [15 + swing, 48]);
  if (pose === 'wave') arm(1, [22, 86], [24, 104]);
  else if (pose === 'hips') arm(1, [21, 66], [10, 54]);
  else arm(1, [14 + swing * 0.3, 64], [15 - swing, 48]);
  // Neck and head.
  c.capsule(x, shoulderY, x, headY + 6 * u, 3 * u, shade(skin, 0.85), 1, round);
  c.ball(x, headY, 6.2 * u, 7.6 * u, skin);
  if (facing) {
    c.ball(x, headY - 4.5 * u, 6.6 * u, 4 * u, hair);
    if (h > 60) {
      c.ellipse(x - 2.2 * u, headY - 0.5 * u, 0.9 * u, 0.7 * u, [30, 25, 25]);
      c.ellipse(x + 2.2 * u, headY - 0.5 * u, 0.9 * u, 0.7 * u, [30, 25, 25]);
      c.capsule(x - 1.8 * u, headY + 3.5 * u, x + 1.8 * u, headY + 3.5 * u, 0.5 * u, shade(skin, 0.6));
    }
  } else {
    c.ball(x, headY - 1 * u, 6.6 * u, 7.2 * u, hair);
  }
}

/** A head-and-shoulders close-up (the common VWW "person" framing), centred near (x, y). */
function portrait(c: Canvas, rng: Rng, x: number, y: number, r: number): void {
  const skin = jitter(rng, rng.pick(SKIN), 8);
  const hair = rng.pick(HAIR);
  const shirt = jitter(rng, rng.pick(CLOTHES), 12);
  // Long hair falls behind the shoulders, so it is drawn first.
  if (rng.next() < 0.4) c.ball(x, y + 0.4 * r, 1.1 * r, 1.5 * r, hair);
  const chest = (px: number) => shade(shirt, 1.02 - 0.3 * ((px - x + 0.3 * r) / (2.6 * r)) ** 2);
  c.polygon([[x - 2.6 * r, SIZE + 5], [x - 2.2 * r, y + 1.7 * r], [x + 2.2 * r, y + 1.7 * r], [x + 2.6 * r, SIZE + 5]], chest);
  c.ball(x - 1.6 * r, y + 2 * r, 0.9 * r, 0.6 * r, shirt);
  c.ball(x + 1.6 * r, y + 2 * r, 0.9 * r, 0.6 * r, shirt);
  c.capsule(x, y + 0.8 * r, x, y + 1.7 * r, 0.45 * r, shade(skin, 0.85), 1, 0.3);
  c.ellipse(x - 0.82 * r, y + 0.05 * r, 0.15 * r, 0.25 * r, skin); // ears
  c.ellipse(x + 0.82 * r, y + 0.05 * r, 0.15 * r, 0.25 * r, skin);
  c.ellipse(x, y, 0.8 * r, r, (px, py) => shade(skin, 1.05 - 0.15 * ((px - x + 0.3 * r) / r) ** 2 - 0.1 * Math.max(0, (py - y) / r)));
  c.ball(x, y - 0.55 * r, 0.85 * r, 0.5 * r, hair);
  for (const side of [-1, 1]) {
    c.ellipse(x + side * 0.32 * r, y - 0.05 * r, 0.15 * r, 0.08 * r, [245, 245, 245]);
    c.ellipse(x + side * 0.32 * r, y - 0.05 * r, 0.07 * r, 0.07 * r, [40, 30, 25]);
    c.capsule(x + side * 0.2 * r, y - 0.22 * r, x + side * 0.45 * r, y - 0.24 * r, 0.035 * r, shade(hair, 0.9));
  }
  c.capsule(x, y + 0.05 * r, x + 0.06 * r, y + 0.32 * r, 0.06 * r, shade(skin, 0.8));
  c.capsule(x - 0.22 * r, y + 0.55 * r, x + 0.22 * r, y + 0.55 * r, 0.06 * r, jitter(rng, [170, 80, 80], 20));
}

/** One rendered image (RGBA, SIZE²); `person` decides whether figures are drawn. */
export function renderScene(seed: number, person: boolean): Buffer {
  const rng = seededRng(seed);
  const c = new Canvas();
  const kind = rng.pick(SCENES);
  const horizon = drawScene(c, rng, kind);
  if (person) {
    if (rng.next() < 0.35) {
      portrait(c, rng, rng.range(0.3, 0.7) * SIZE, rng.range(0.35, 0.55) * SIZE, rng.range(0.13, 0.22) * SIZE);
    } else {
      const count = rng.next() < 0.7 ? 1 : rng.int(2, 3);
      const figures = Array.from({ length: count }, () => {
        const feet = rng.range(Math.max(horizon + 10, SIZE * 0.55), SIZE * 1.02);
        // Nearer (lower) figures are taller, as on a ground plane; at least ~1/5 of the frame.
        const h = Math.max(SIZE * 0.22, (feet - horizon) * rng.range(1.6, 2.6));
        return { x: rng.range(0.15, 0.85) * SIZE, feet, h: Math.min(h, SIZE * 1.1) };
      });
      for (const f of figures.sort((a, b) => a.feet - b.feet)) figure(c, rng, f.x, f.feet, f.h);
    }
  } else {
    // The same amount of foreground "stuff" as a figure would add, so clutter is no giveaway.
    const x = rng.range(0.15, 0.85) * SIZE;
    const base = rng.range(Math.max(horizon + 10, SIZE * 0.55), SIZE);
    const what = rng.int(0, 3);
    if (what === 0) tree(c, rng, x, base, horizon);
    else if (what === 1) furniture(c, rng, x - 20, base);
    else if (what === 2) plant(c, rng, x, base);
    else c.capsule(x, base, x, base - rng.range(60, 130), rng.range(2, 5), randomColour(rng));
  }
  return c.finish(rng);
}

function writePng(path: string, rgba: Buffer, width = SIZE, height = SIZE): void {
  const png = new PNG({ width, height });
  rgba.copy(png.data);
  writeFileSync(path, PNG.sync.write(png));
}

function imageFiles(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) return [];
  } catch {
    return [];
  }
  return readdirSync(dir)
    .filter((f) => /\.(jpe?g|png|bmp)$/i.test(f))
    .sort();
}

/** A random crop (75–100 % of the short side), maybe mirrored, with light and colour changes. */
function augment(img: Rgb, rng: Rng): Buffer {
  const side = Math.min(img.width, img.height) * rng.range(0.75, 1);
  const x0 = Math.floor(rng.range(0, img.width - side + 1));
  const y0 = Math.floor(rng.range(0, img.height - side + 1));
  const w = Math.max(1, Math.floor(side));
  const crop = new Uint8Array(w * w * 3);
  for (let y = 0; y < w; y++) crop.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3), y * w * 3);
  const out = resizeRgb({ width: w, height: w, data: crop }, SIZE, SIZE);
  const flip = rng.next() < 0.5;
  const gain = rng.range(0.7, 1.3);
  const bias = rng.range(-20, 20);
  const cast = [rng.range(0.9, 1.1), rng.range(0.9, 1.1), rng.range(0.9, 1.1)];
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const src = (y * SIZE + (flip ? SIZE - 1 - x : x)) * 3;
      const dst = (y * SIZE + x) * 4;
      for (let k = 0; k < 3; k++) rgba[dst + k] = Math.max(0, Math.min(255, Math.round(out[src + k]! * gain * cast[k]! + bias + 3 * rng.gauss())));
      rgba[dst + 3] = 255;
    }
  }
  return rgba;
}

/** Write person/ and non_person/ images under `rawDir` and build the set into `outDir`. */
export function generateVwwDemo(rawDir: string, outDir: string, opts: VwwDemoOptions = {}, onProgress?: (done: number, total: number) => void): VwwDemoResult {
  const perClass = opts.perClass ?? 50;
  const seed = opts.seed ?? 1;
  const copies = opts.augment ?? 8;
  if (!(Number.isInteger(perClass) && perClass >= 0) || !(Number.isInteger(copies) && copies >= 1)) throw new DatasetError('perClass must be an integer ≥ 0 and augment an integer ≥ 1');
  const organizer: { path: string; person: boolean }[] = [];
  if (opts.from) {
    for (const [folder, person] of [['person', true], ['non_person', false], ['no_person', false]] as const) {
      for (const f of imageFiles(join(opts.from, folder))) organizer.push({ path: join(opts.from, folder, f), person });
    }
    if (organizer.length === 0) throw new DatasetError(`${opts.from}: no images in person/, non_person/ or no_person/ to augment`);
  }
  if (perClass === 0 && organizer.length === 0) throw new DatasetError('nothing to generate: perClass is 0 and no --from folder was given');
  mkdirSync(join(rawDir, 'person'), { recursive: true });
  mkdirSync(join(rawDir, 'non_person'), { recursive: true });
  const total = 2 * perClass + organizer.length * copies;
  let made = 0;
  for (let k = 0; k < perClass; k++) {
    for (const person of [true, false]) {
      writePng(join(rawDir, person ? 'person' : 'non_person', `scene_${String(k).padStart(4, '0')}.png`), renderScene(seed * 1_000_003 + 2 * k + (person ? 1 : 0), person));
      onProgress?.(++made, 2 * total);
    }
  }
  const rng = seededRng(seed * 7919 + 17);
  for (const o of organizer) {
    const img = decodeImage(new Uint8Array(readFileSync(o.path)), o.path);
    const stem = `from_${basename(o.path, extname(o.path))}`.replace(/[^\w.-]+/g, '_');
    for (let k = 0; k < copies; k++) {
      writePng(join(rawDir, o.person ? 'person' : 'non_person', `${stem}_${k}.png`), augment(img, rng));
      onProgress?.(++made, 2 * total);
    }
  }
  const built = buildVwwSet(rawDir, outDir, onProgress && ((done) => onProgress(total + done, 2 * total)));
  markDemo(
    outDir,
    `DEMO ONLY: ${2 * perClass} rendered scenes (seed ${seed}; half with drawn people, labels by construction)` +
      (organizer.length ? ` + ${organizer.length * copies} augmented copies of ${organizer.length} organizer images from ${basename(opts.from!)}` : '') +
      ', made by tinyarena dataset demo --task vww',
  );
  return { ...built, rendered: 2 * perClass, augmented: organizer.length * copies };
}
