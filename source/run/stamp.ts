// Timestamps in names on the hosts (backups, moved-aside directories): local
// time of the machine running the tool, sortable, no characters a shell minds.

const two = (value: number) => String(value).padStart(2, '0');

/** `YYYYmmdd-HHMMSS` */
export function stamp(date: Date): string {
	const day = `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}`;
	const time = `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
	return `${day}-${time}`;
}
