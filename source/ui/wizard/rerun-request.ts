// What the wizard asks the app to do with a saved pack instead of saving it:
// run a re-run (add or remove slaves), the health check or the Ansible export. The app runs it.
import type {Host, Pack} from '../../pack/types.js';

export type RerunRequest =
	// hosts: slaves to add; newHosts: those not yet in the store
	| {kind: 'add-slave'; pack: Pack; hosts: Host[]; newHosts: Host[]}
	| {kind: 'remove-slave'; pack: Pack; host: string}
	| {kind: 'status'; pack: Pack}
	| {kind: 'export-ansible'; pack: Pack};
