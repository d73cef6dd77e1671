// What a host does in a pack. The planner assigns roles, the runner reports
// them, the screens and the health table label hosts by them. `aegir-server`
// is this machine running Aegir's own commands (the "Aegir" pane).

export type HostRole = 'nfs-server' | 'master' | 'slave' | 'aegir-server';
