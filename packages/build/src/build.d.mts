/** Types of build.mjs (plain JavaScript, so that bare `node` runs it). */

export declare const repoRoot: string;

export interface Deployable {
  /** The workspace package, e.g. `@kabinet/gateway`. */
  name: string;
  /** Its directory, relative to the repository root. */
  dir: string;
  /** Output name → source file relative to `dir`: `{ main: 'src/main.ts' }` builds `dir/dist/main.js`. */
  entries: Record<string, string>;
  /** Bundles npm packages too (all but those that must stay in node_modules): `pnpm start`'s one process. */
  bundlesPackages?: boolean;
}

export declare const deployables: readonly Deployable[];
export declare function deployableNamed(name: string): Deployable;
/** Where an entry's build goes, relative to the repository root: `<dir>/dist/<entry>.js`. */
export declare function outputOf(deployable: Deployable, entry: string): string;

export declare class BuildError extends Error {
  readonly problems: string[];
}

export interface BuiltFile {
  /** Relative to the repository root. */
  file: string;
  bytes: number;
}

/** With `whenChanged`, only deployables whose sources changed since their last build (none built: []). */
export declare function buildDeployables(selected?: readonly Deployable[], options?: { whenChanged?: boolean }): Promise<BuiltFile[]>;
export declare function stopBuilder(): Promise<void>;
