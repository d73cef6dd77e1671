// The one import point for validation: field rules, whole-pack rules, the CLI
// host form and subnet lists. Implementation lives in the files re-exported here.

export {
	aegirContextName,
	formatProblems,
	validateAddress,
	validateExportPath,
	validateHost,
	validateHostName,
	validateOptions,
	validatePackName,
} from './validate-fields.js';
export {validatePack} from './validate-pack.js';
export {parseHostSpec} from './host-spec.js';
export {parseSubnetList} from './subnets.js';
