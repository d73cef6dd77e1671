// Types for nft.mjs.
export type NftHost = {name: string; address: string; index: number};
export type Cgroup2 = {mount: string; nftBase: string};
export const MARK_BASE: number;
export function tableName(id: string): string;
export function hostMark(index: number): string;
export function tableScript(lab: {id: string; hosts: NftHost[]; cgroup?: Cgroup2 | null}): string;
export function createTable(lab: {id: string; hosts: NftHost[]; cgroup?: Cgroup2 | null}): Promise<void>;
export function tableExists(id: string): Promise<boolean>;
export function deleteTable(id: string): Promise<void>;
export function setUnreachable(id: string, host: NftHost, mode: 'drop' | 'reject' | undefined, withMarks: boolean): Promise<void>;
