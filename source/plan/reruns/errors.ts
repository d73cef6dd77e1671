// A re-run asked for something the pack cannot do (a host already in it, the
// NFS server removed as a slave): the caller shows the message, nothing runs.

export class RerunInputError extends Error {
	override name = 'RerunInputError';
}
