// n8n user folders: n8n's own `.n8n` folder and the encryption key every process on it must use.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const KEY_FILE = 'fst-encryption-key';

/**
 * Makes (or reopens) an n8n user folder: `<dir>/.n8n` is n8n's own; `<dir>/fst-encryption-key` keeps
 * the N8N_ENCRYPTION_KEY every process on this folder must use.
 */
function userFolder(dir) {
	fs.mkdirSync(path.join(dir, '.n8n'), { recursive: true });
	const keyFile = path.join(dir, KEY_FILE);
	if (!fs.existsSync(keyFile)) {
		// A folder n8n used before keeps its key in .n8n/config; a new one gets a random key.
		let key = crypto.randomBytes(24).toString('base64url');
		try {
			key = JSON.parse(fs.readFileSync(path.join(dir, '.n8n', 'config'), 'utf8')).encryptionKey || key;
		} catch {
			// no config yet
		}
		fs.writeFileSync(keyFile, key, { mode: 0o600 });
	}
	return {
		dir,
		n8nDir: path.join(dir, '.n8n'),
		encryptionKey: fs.readFileSync(keyFile, 'utf8').trim(),
		/** The sqlite database and its -wal / -shm companions, where they exist. */
		databaseFiles: () =>
			fs
				.readdirSync(path.join(dir, '.n8n'))
				.filter((name) => name.startsWith('database.sqlite'))
				.map((name) => path.join(dir, '.n8n', name)),
	};
}

/** A new user folder under `parent` (default: the OS temp dir). */
function freshUserFolder(parent = os.tmpdir(), prefix = 'fst-n8n-') {
	fs.mkdirSync(parent, { recursive: true });
	return userFolder(fs.mkdtempSync(path.join(parent, prefix)));
}

/** A copy of a prepared user folder (package installed, database migrated): saves the first start. */
function copyUserFolder(template, parent = os.tmpdir(), prefix = 'fst-n8n-') {
	fs.mkdirSync(parent, { recursive: true });
	const dir = fs.mkdtempSync(path.join(parent, prefix));
	fs.cpSync(template.dir, dir, { recursive: true });
	return userFolder(dir);
}

module.exports = { userFolder, freshUserFolder, copyUserFolder };
