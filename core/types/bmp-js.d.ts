// Types for bmp-js (the package ships none): decoding only.
declare module 'bmp-js' {
  /** Pixels as ABGR bytes (alpha, blue, green, red), row-major, top row first. */
  export function decode(buffer: Buffer): { width: number; height: number; data: Buffer };
}
