// Types for aegir-tree.mjs (plain ESM: the demo and the bench run it without a build).
export const LAB_AEGIR_UID: number;
export const WWW_DATA_GID: number;
export const PLATFORM: string;
export const SITE: string;
export const PLATFORM_ROOT: string;
export function contextOf(name: string): string;
export function makeAegirTree(root: string, options?: {heads?: string[]; pack?: string; fillerModules?: number}): {configDir: string; platformsDir: string; files: number};
export const HEAD_SETUP: string;
export function apacheSetup(address: string): string;
