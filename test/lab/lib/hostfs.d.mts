// Types for hostfs.mjs.
export function resolveInRoot(root: string, hostPath: string, followLast?: boolean): string;
export function readHostFile(root: string, hostPath: string): Promise<string | undefined>;
export function writeHostFile(root: string, hostPath: string, content: string): Promise<void>;
export function checksumTree(root: string, dir: string): Promise<Record<string, string>>;
