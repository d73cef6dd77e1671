// Types for config.mjs.
export type LabConfig = {dir: string; cacheDir: string; prefix: string; mirror: string; id: string};
export const LAB_SOURCE_DIR: string;
export const REPO_DIR: string;
export const HOST_SCRIPTS_DIR: string;
export const DEFAULT_NAMES_3: string[];
export function labConfig(options?: {dir?: string; cacheDir?: string; prefix?: string; mirror?: string}): LabConfig;
export function checkHostName(name: string): string;
export function defaultNames(count: number): string[];
