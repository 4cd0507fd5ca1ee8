/** Types of cli/entry-point.js (plain JavaScript: the `vigil` launcher runs before anything is transpiled). */
export declare const SOURCE_DIRS: readonly string[];
export declare const BUILD_STAMP: string;
export declare function newestSourceMtimeMs(root: string): number;
export declare function entryPoint(root: string): { script: string; compiled: boolean; stale: boolean };
export declare const THREADPOOL_SIZE: number;
export declare function tunedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
