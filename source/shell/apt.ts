// Installing Debian packages the way an unattended admin would: noninteractive,
// no recommends, and patient with another apt or dpkg holding the lock, with a
// visible countdown, up to a limit. A stale package list is refreshed once.

import {commandLine} from './quote.js';

/** Lines the install prints while it waits; the step turns the first one into a notice. */
export const LOCK_WAIT_PREFIX = 'aegir-pack: waiting for the dpkg lock';

/** Exit code when the lock was still held at the limit (EX_TEMPFAIL). */
export const LOCK_TIMEOUT_EXIT = 75;

export const APT_INSTALL_SCRIPT = `
limit=$1 poll=$2
shift 2
DEBIAN_FRONTEND=noninteractive
export DEBIAN_FRONTEND
err=$(mktemp) || exit 1
trap 'rm -f -- "$err"' EXIT
trap 'exit 130' HUP INT TERM
start=$(date +%s)
updated=no
while :; do
	apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=0 "$@" 2>"$err"
	code=$?
	if [ $code -eq 0 ]; then cat "$err" >&2; exit 0; fi
	if grep -q -e 'Could not get lock' -e 'Unable to acquire the dpkg frontend lock' -e 'Unable to lock' "$err"; then
		left=$((limit - ($(date +%s) - start)))
		holder=$(sed -n 's/.*held by process \\([0-9][0-9]*\\).*/\\1/p' "$err" | head -n 1)
		if [ $left -le 0 ]; then
			cat "$err" >&2
			echo "aegir-pack: another apt or dpkg\${holder:+ (process $holder)} still holds the dpkg lock after \${limit}s; nothing was installed. Let it finish, then run again." >&2
			exit ${LOCK_TIMEOUT_EXIT}
		fi
		echo "${LOCK_WAIT_PREFIX}\${holder:+ (held by process $holder)}: giving up in \${left}s"
		sleep "$poll"
		continue
	fi
	if [ $updated = no ] && grep -q -e 'Unable to locate package' -e 'has no installation candidate' -e 'Failed to fetch' "$err"; then
		cat "$err" >&2
		updated=yes
		echo "aegir-pack: the package lists look stale: apt-get update, then one more try"
		apt-get update -q -o DPkg::Lock::Timeout=\${limit} || exit $?
		continue
	fi
	cat "$err" >&2
	exit $code
done
`;

/** `sh -c <script> apt-install <limit> <poll> <packages…>`; run it as root. */
export function aptInstallCommand(packages: string[], lockWaitSeconds: number, pollSeconds = 2): string {
	const limit = String(Math.max(0, Math.floor(lockWaitSeconds)));
	return `sh -c ${commandLine([APT_INSTALL_SCRIPT, 'aegir-pack-apt-install', limit, String(pollSeconds), ...packages])}`;
}

/** How a dry run shows the install. */
export function describeAptInstall(packages: string[]): string {
	return `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${commandLine(packages)}`;
}
