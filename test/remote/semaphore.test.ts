import {describe, expect, it} from 'vitest';
import {Semaphore} from '../../source/remote/semaphore.js';

// One turn of the event loop: long enough for every other ready task to try its luck.
const tick = () => new Promise(resolve => setImmediate(resolve));

describe('Semaphore', () => {
	it('never lets more than `limit` tasks run at once, and runs them all', async () => {
		const semaphore = new Semaphore(3);
		let running = 0;
		let highest = 0;
		const done = await Promise.all(
			Array.from({length: 12}, (_, index) =>
				semaphore.use(async () => {
					running++;
					highest = Math.max(highest, running, semaphore.inUse);
					await tick();
					running--;
					return index;
				}),
			),
		);
		expect(done).toEqual(Array.from({length: 12}, (_, index) => index));
		expect(highest).toBe(3);
		expect(semaphore.inUse).toBe(0);
	});

	it('serves waiters in order and frees a slot when a task fails', async () => {
		const semaphore = new Semaphore(1);
		const order: number[] = [];
		const failing = semaphore.use(async () => {
			await tick();
			throw new Error('boom');
		});
		const rest = [1, 2, 3].map(value => semaphore.use(async () => void order.push(value)));
		await expect(failing).rejects.toThrow('boom');
		await Promise.all(rest);
		expect(order).toEqual([1, 2, 3]);
		expect(semaphore.inUse).toBe(0);
	});

	it('counts a release once, however often it is called', async () => {
		const semaphore = new Semaphore(1);
		const release = await semaphore.acquire();
		release();
		release();
		expect(semaphore.inUse).toBe(0);
		const again = await semaphore.acquire();
		expect(semaphore.inUse).toBe(1);
		again();
	});

	it('rejects a limit that is not a positive integer', () => {
		expect(() => new Semaphore(0)).toThrow();
		expect(() => new Semaphore(1.5)).toThrow();
	});
});
