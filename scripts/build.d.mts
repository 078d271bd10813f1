/** Types of scripts/build.mjs (compile the sources into dist/). */
export declare const ROOT: string;
export declare const SOURCE_DIRS: string[];
export declare const DIST: string;
export declare function isBuildFresh(root?: string): boolean;
export declare function build(root?: string): Promise<number>;
