// An 80x24 terminal for renderHealth: what Ink writes is collected, keys can be typed.
import {EventEmitter} from 'node:events';
import {stripControl} from '../../source/report/terminal-text.js';

export class FakeTerminal {
	readonly stdout = Object.assign(new EventEmitter(), {
		columns: 80,
		rows: 24,
		isTTY: true,
		written: '',
		write(chunk: string) {
			this.written += chunk;
			return true;
		},
	});

	readonly stdin = Object.assign(new EventEmitter(), {
		isTTY: true as boolean,
		data: null as string | null,
		setEncoding() {},
		setRawMode() {},
		resume() {},
		pause() {},
		ref() {},
		unref() {},
		read() {
			const {data} = this;
			this.data = null;
			return data;
		},
	});

	readonly stderr = Object.assign(new EventEmitter(), {write: () => true});

	type(text: string): void {
		this.stdin.data = text;
		this.stdin.emit('readable');
		this.stdin.emit('data', text);
	}

	text(): string {
		return stripControl(this.stdout.written);
	}

	streams() {
		return {
			// Vitest replaces console; Ink's console patching does not work under it.
			patchConsole: false,
			stdout: this.stdout as unknown as NodeJS.WriteStream,
			stdin: this.stdin as unknown as NodeJS.ReadStream,
			stderr: this.stderr as unknown as NodeJS.WriteStream,
		};
	}
}

/** Poll until `predicate` holds (fails with `what` after 3 s). */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
	const start = Date.now();
	while (!predicate()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}
