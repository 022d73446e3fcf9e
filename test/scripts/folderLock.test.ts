import { spawn, type ChildProcess } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// scripts/ is plain CommonJS without types.
const { claimFolder } = require('../../scripts/folderLock') as {
	claimFolder(dir: string, script: string): { holder?: { pid: number; url?: string }; update?(fields: object): void };
};

const FOLDER_LOCK = join(__dirname, '..', '..', 'scripts', 'folderLock.js');
const SCRIPT = 'fst-lock-holder'; // in the holder's command line, as start.js is in npm start's

let parent: string;
let dir: string;
const lockFile = () => `${dir}.lock.json`;
const children: ChildProcess[] = [];

/** A real process that takes the lock of `dir`, adds a URL, says "locked" and waits for stdin to end. */
function holder(): Promise<ChildProcess> {
	const code = `const lock = require(${JSON.stringify(FOLDER_LOCK)}).claimFolder(${JSON.stringify(dir)}, ${JSON.stringify(SCRIPT)});
		if (lock.holder) { console.log('held by ' + lock.holder.pid); process.exit(1); }
		lock.update({ url: 'http://127.0.0.1:5678' });
		console.log('locked');
		process.stdin.resume();
		process.stdin.on('end', () => process.exit(0));`;
	const child = spawn(process.execPath, ['-e', code, SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
	children.push(child);
	return new Promise((resolve, reject) => {
		child.stdout!.once('data', (chunk: Buffer) =>
			chunk.toString().trim() === 'locked' ? resolve(child) : reject(new Error(chunk.toString())),
		);
	});
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

beforeEach(() => {
	parent = mkdtempSync(join(tmpdir(), 'fst-lock-'));
	dir = join(parent, 'demo-user');
});
afterEach(() => {
	for (const child of children.splice(0)) child.kill('SIGKILL');
	rmSync(parent, { recursive: true, force: true });
});

describe('claimFolder (one npm start per user folder)', () => {
	it('names the running holder, its pid and URL, and does not take its lock', async () => {
		const running = await holder();

		expect(claimFolder(dir, SCRIPT)).toEqual({
			holder: { pid: running.pid, startedAt: expect.any(String), url: 'http://127.0.0.1:5678' },
		});
		expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(running.pid);
	});

	it('takes over the lock of a killed holder', async () => {
		const killed = await holder();
		killed.kill('SIGKILL');
		await exited(killed);
		expect(existsSync(lockFile())).toBe(true);

		const lock = claimFolder(dir, SCRIPT);

		expect(lock.holder).toBeUndefined();
		expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toEqual({ pid: process.pid, startedAt: expect.any(String) });
		lock.update!({ url: 'http://127.0.0.1:5679' });
		expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({
			pid: process.pid,
			url: 'http://127.0.0.1:5679',
		});
		rmSync(lockFile());
	});

	it('takes over a lock whose pid now belongs to another program', async () => {
		// A live process that is not the script: the pid of a killed holder, reused.
		writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z' }));

		const lock = claimFolder(dir, 'a-script-this-process-is-not');

		expect(lock.holder).toBeUndefined();
		expect(JSON.parse(readFileSync(lockFile(), 'utf8')).startedAt).not.toBe('2026-01-01T00:00:00.000Z');
		rmSync(lockFile());
	});

	it('is removed when its holder exits', async () => {
		const running = await holder();
		running.stdin!.end();
		expect(await exited(running)).toBe(0);

		expect(existsSync(lockFile())).toBe(false);
	});
});
