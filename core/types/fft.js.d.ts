// Types for fft.js (the package ships none): the calls TinyArena uses.
declare module 'fft.js' {
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    createComplexArray(): number[];
    /** Real-input transform; fills the first half (+1) of `out` as interleaved re, im. */
    realTransform(out: number[] | Float64Array, data: ArrayLike<number>): void;
    completeSpectrum(out: number[] | Float64Array): void;
  }
}
