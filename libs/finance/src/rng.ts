/**
 * Deterministic random streams. A stream is identified by `(seed, stream, domain)`:
 * the three words are hashed (murmur3 finaliser over a SplitMix32 chain) into the
 * 128-bit state of a xoshiro128** generator, so path `i` of a simulation draws from its
 * own stream whatever the shard layout. Uniforms have 32-bit resolution and lie in the
 * open interval (0, 1); normals use the ziggurat method (Box–Muller kept as a reference).
 * The object is reused across paths by calling {@link Rng.reseed} (no allocation).
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = 0;
  private hasSpare = false;

  constructor(seed = 0, stream = 0, domain = 0) {
    this.reseed(seed, stream, domain);
  }

  /** Re-initialises the generator to the stream `(seed, stream, domain)`. */
  reseed(seed: number, stream: number, domain = 0): void {
    // Fold the (possibly > 32-bit) integers into 32-bit words.
    const sLo = seed >>> 0;
    const sHi = Math.floor(seed / 4294967296) >>> 0;
    const tLo = stream >>> 0;
    const tHi = Math.floor(stream / 4294967296) >>> 0;
    let h = fmix32(sLo ^ 0x9e3779b9);
    h = fmix32((h + Math.imul(sHi ^ 0x85ebca6b, 0x27d4eb2f)) | 0);
    h = fmix32((h ^ Math.imul(tLo + 0x165667b1, 0xcc9e2d51)) | 0);
    h = fmix32((h + Math.imul(tHi ^ 0x1b873593, 0x9e3779b1)) | 0);
    h = fmix32((h ^ Math.imul(domain + 0x61c88647, 0x85ebca77)) | 0);
    // SplitMix32 chain to fill the state (never all zero: fmix32 is a bijection and
    // consecutive inputs differ).
    let x = h;
    x = (x + 0x9e3779b9) | 0;
    this.s0 = fmix32(x);
    x = (x + 0x9e3779b9) | 0;
    this.s1 = fmix32(x);
    x = (x + 0x9e3779b9) | 0;
    this.s2 = fmix32(x);
    x = (x + 0x9e3779b9) | 0;
    this.s3 = fmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.hasSpare = false;
    this.spare = 0;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = rotl(n3, 11);
    this.s0 = n0;
    this.s1 = n1;
    this.s2 = n2;
    this.s3 = n3;
    return r >>> 0;
  }

  /** Fills out[0…count) with uniforms on (0, 1) (same sequence as `count` calls of `uniform`). */
  fillUniform(out: Float64Array, count: number): void {
    // xoshiro128** with the state in locals (the same sequence as `nextUint32`).
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < count; i++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      out[i] = ((r >>> 0) + 0.5) * 2.3283064365386963e-10;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Fills out[0…count) with standard normals (same sequence as `count` calls of `normal`). */
  fillNormal(out: Float64Array, count: number): void {
    this.fillNormalRange(out, 0, count);
  }

  /** Fills out[start…end) with standard normals (the same sequence as `normal`). */
  private fillNormalRange(out: Float64Array, start: number, end: number): void {
    // xoshiro128** with the state in locals (the same sequence as `nextUint32`); the state
    // is written back before the rare ziggurat tail, which draws from `this`.
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = start; i < end; i++) {
      const hz = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const iz = hz & 127;
      if ((hz < 0 ? -hz : hz) < ZIG_K[iz]) out[i] = hz * ZIG_W[iz];
      else {
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        out[i] = this.normalTail(hz, iz);
        s0 = this.s0;
        s1 = this.s1;
        s2 = this.s2;
        s3 = this.s3;
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Writes the next {@link uniform} to `out[i]` (no number returned: nothing to box in hot loops). */
  uniformAt(out: Float64Array, i: number): void {
    out[i] = (this.nextUint32() + 0.5) * 2.3283064365386963e-10;
  }

  /** Writes the next {@link normal} to `out[i]` (no number returned: nothing to box in hot loops). */
  normalAt(out: Float64Array, i: number): void {
    this.fillNormalRange(out, i, i + 1);
  }

  /** Uniform on the open interval (0, 1). */
  uniform(): number {
    return (this.nextUint32() + 0.5) * 2.3283064365386963e-10;
  }

  /**
   * Standard normal N(0, 1): the ziggurat method of Marsaglia & Tsang (2000, J. Stat.
   * Software 5(8)) with 128 layers; the layer index comes from the low 7 bits of the
   * 32-bit word and the abscissa from the whole signed word (as in the paper).
   */
  normal(): number {
    const hz = this.nextUint32() | 0;
    const iz = hz & 127;
    if ((hz < 0 ? -hz : hz) < ZIG_K[iz]) return hz * ZIG_W[iz];
    return this.normalTail(hz, iz);
  }

  private normalTail(hz: number, iz: number): number {
    for (;;) {
      const x = hz * ZIG_W[iz];
      if (iz === 0) {
        let xx: number;
        let y: number;
        do {
          xx = -Math.log(this.uniform()) * ZIG_INV_R;
          y = -Math.log(this.uniform());
        } while (y + y < xx * xx);
        return hz > 0 ? ZIG_R + xx : -ZIG_R - xx;
      }
      if (ZIG_F[iz] + this.uniform() * (ZIG_F[iz - 1] - ZIG_F[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.nextUint32() | 0;
      iz = hz & 127;
      if ((hz < 0 ? -hz : hz) < ZIG_K[iz]) return hz * ZIG_W[iz];
    }
  }

  /** Standard normal by the Box–Muller transform (reference for tests). */
  normalBoxMuller(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const a = 6.283185307179586 * u2;
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }
}

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers).
const ZIG_R = 3.442619855899;
const ZIG_INV_R = 1 / ZIG_R;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
(function buildZiggurat() {
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * m1;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
})();

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** murmur3 32-bit finaliser (a bijection on 32-bit words). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Stream domains, so different uses of one seed never share a stream. */
export const RNG_DOMAIN = { path: 0, portfolio: 1, prices: 2 } as const;
