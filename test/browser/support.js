// Shared by the *.browser.js files: Chromium through playwright-core, steps that fail loudly (with a
// screenshot of the page in test-results/browser/), and small helpers for n8n's editor, whose elements
// carry `data-test-id` attributes.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, selectors } = require('playwright-core');

const { REPO_ROOT, log } = require('../../scripts/n8n');

const CHROMIUM = process.env.FST_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
];
const VIEWPORT = { width: 1280, height: 800 };
/** Failure screenshots, page text and n8n's log (git-ignored). */
const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'browser');
/** The screenshots in docs/images are rewritten only when asked (FST_UPDATE_SCREENSHOTS=1); else they go with the results. */
const IMAGES_DIR =
	process.env.FST_UPDATE_SCREENSHOTS === '1'
		? path.join(REPO_ROOT, 'docs', 'images')
		: path.join(RESULTS_DIR, 'screenshots');

// n8n's editor marks its elements with data-test-id (not Playwright's default data-testid).
selectors.setTestIdAttribute('data-test-id');

/** Chromium (headless, its own temporary profile) with one 1280x800 page. */
/**
 * Chromium and a page. With `blockStorageFor` (an origin), a profile of its own whose settings block
 * cookies and site data for that origin, as a user or an administrator can: its pages get a
 * SecurityError from localStorage, wherever they are framed.
 */
async function launchBrowser({ blockStorageFor } = {}) {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set FST_CHROMIUM to another binary)`);
	const options = { viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' };
	let browser;
	let context;
	if (blockStorageFor) {
		const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-chromium-'));
		fs.mkdirSync(path.join(profile, 'Default'));
		const blocked = { cookies: { [`${blockStorageFor},*`]: { setting: 2 } } };
		fs.writeFileSync(
			path.join(profile, 'Default', 'Preferences'),
			JSON.stringify({ profile: { content_settings: { exceptions: blocked } } }),
		);
		context = await chromium.launchPersistentContext(profile, {
			...options,
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
		});
		browser = {
			close: async () => {
				await context.close();
				fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
			},
		};
	} else {
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
		context = await browser.newContext(options);
	}
	context.setDefaultTimeout(30_000);
	const page = await context.newPage();
	const problems = [];
	page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() === 'error') problems.push(`console.error: ${message.text().slice(0, 500)}`);
	});
	return { browser, context, page, problems };
}

const slug = (text) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 60);

/**
 * Steps that depend on each other: `run(name, fn)` runs fn unless an earlier step failed (then it fails
 * at once, naming that step). On failure it saves a screenshot of every open page of the browser and the
 * page's text to test-results/browser/, and rethrows with the step's name and those paths.
 */
function steps(getPages) {
	let broken;
	const run = async (name, fn) => {
		if (broken) throw new Error(`not run: the step "${broken}" failed before it`);
		try {
			await fn();
		} catch (error) {
			broken = name;
			fs.mkdirSync(RESULTS_DIR, { recursive: true });
			const saved = [];
			for (const [index, page] of getPages().entries()) {
				if (!page || page.isClosed()) continue;
				const base = path.join(RESULTS_DIR, `${slug(name)}${index ? `-${index}` : ''}`);
				try {
					await page.screenshot({ path: `${base}.png`, timeout: 10_000 });
					saved.push(`${base}.png (${page.url()})`);
					fs.writeFileSync(`${base}.txt`, await page.locator('body').innerText({ timeout: 5_000 }));
				} catch (shotError) {
					saved.push(`(no screenshot of ${page.url()}: ${shotError.message.split('\n')[0]})`);
				}
			}
			error.message = `step "${name}" failed: ${error.message}\n\nScreenshot at failure: ${saved.join(', ') || '(no page open)'}`;
			throw error;
		}
	};
	/** The name of the step that failed, if one did. */
	run.failed = () => broken;
	return run;
}

/** Waits for `locator` to be visible; otherwise throws "expected <what> ...". */
async function visible(locator, what, timeout = 30_000) {
	try {
		await locator.first().waitFor({ state: 'visible', timeout });
	} catch {
		throw new Error(`expected ${what} to be visible within ${timeout / 1000} s, but it is not`);
	}
	return locator;
}

/** Waits for `locator` to be gone (hidden or detached). */
async function gone(locator, what, timeout = 15_000) {
	try {
		await locator.first().waitFor({ state: 'hidden', timeout });
	} catch {
		throw new Error(`expected ${what} to disappear within ${timeout / 1000} s, but it is still shown`);
	}
}

/** Polls `fn` until it returns a truthy value; throws `message()` after `timeout`. */
async function until(fn, message, { timeout = 15_000, interval = 250 } = {}) {
	const deadline = Date.now() + timeout;
	let last;
	for (;;) {
		last = await fn();
		if (last) return last;
		if (Date.now() > deadline) throw new Error(typeof message === 'function' ? await message(last) : message);
		await new Promise((resolve) => setTimeout(resolve, interval));
	}
}

/**
 * Opens the dropdown of an n8n select (a parameter input) and returns its options, found through the
 * input's aria-controls (n8n renders every dropdown outside the panel, and one that is closing stays
 * visible for a moment). `names()`: the options' names (first lines); `pick(name)`: clicks one and waits
 * for the dropdown to close.
 */
async function openDropdown(page, container, what) {
	const input = container.locator('input[aria-controls]').first();
	await visible(input, what);
	await input.click();
	const listId = await input.getAttribute('aria-controls');
	const list = page.locator(`[id="${listId}"]`);
	const items = list.getByTestId('parameter-input-item');
	await visible(items, `the options of ${what}`);
	const names = async () => (await items.allInnerTexts()).map((text) => text.split('\n')[0].trim());
	return {
		names,
		async pick(name) {
			const all = await names();
			const index = all.indexOf(name);
			if (index < 0) throw new Error(`${what} has no option "${name}"; it offers ${JSON.stringify(all)}`);
			await items.nth(index).click();
			await gone(items, `the options of ${what}`);
		},
	};
}

/** The text shown in a parameter's input (an n8n select or text input). */
const inputValue = (container) => container.locator('input').first().inputValue();

/** An <img> is loaded and has a size (the icon file was found and is an image). */
const imageLoaded = (img) => img.evaluate((el) => el.complete && el.naturalWidth > 0 && el.naturalHeight > 0);

/** Closes n8n's toasts, so that they cover nothing in a screenshot. */
async function closeToasts(page) {
	const buttons = page.locator('.el-notification .el-notification__closeBtn');
	for (let i = await buttons.count(); i > 0; i--)
		await buttons
			.nth(i - 1)
			.click()
			.catch(() => {});
	await gone(page.locator('.el-notification'), "n8n's toasts", 5_000).catch(() => {});
}

/** Texts of n8n's toasts shown now. */
const toastTexts = async (page) =>
	(await page.locator('.el-notification').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

/**
 * Closes what n8n 2.41 may put in front of the page on a first visit (its survey and "what's new"
 * dialogs, the browser-notification and credit banners), when it is there. Nothing else is touched.
 */
async function dismissOverlays(page) {
	for (const id of ['nps-survey-modal', 'whats-new-modal']) {
		const modal = page.getByTestId(id).filter({ visible: true });
		if (!(await modal.count())) continue;
		await modal
			.locator('button[aria-label="Close this dialog"]')
			.first()
			.click({ timeout: 5_000 })
			.catch(() => {});
		if (await modal.count()) await page.keyboard.press('Escape');
		await gone(modal, `n8n's ${id}`, 5_000);
	}
	for (const id of ['notification-banner-dismiss', 'credit-banner-dismiss']) {
		const button = page.getByTestId(id).filter({ visible: true });
		if (await button.count())
			await button
				.first()
				.click({ timeout: 5_000 })
				.catch(() => {});
	}
}

/**
 * A screenshot (PNG, the viewport) into IMAGES_DIR. Resolves the file's path. The red "E2E MODE" frame
 * n8n draws in its test mode (on for its licensed custom-registry feature, see globalSetup.js) is
 * hidden: a user's n8n does not show it.
 */
async function screenshot(page, name) {
	await page.addStyleTag({ content: '[data-test-id="e2e-test-mode-marker"] { display: none !important; }' });
	fs.mkdirSync(IMAGES_DIR, { recursive: true });
	const file = path.join(IMAGES_DIR, name);
	await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
	return file;
}

/**
 * A REST call to n8n from inside the editor page, as the editor makes it (its session cookie and its
 * browser-id header). Resolves the answer's `data`; anything but HTTP 200 throws with the answer.
 */
async function editorRest(page, method, route, body) {
	const result = await page.evaluate(
		async ({ method, route, body }) => {
			const response = await fetch(route, {
				method,
				headers: {
					'content-type': 'application/json',
					'browser-id': window.localStorage.getItem('n8n-browserId') ?? '',
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			return { status: response.status, text: await response.text() };
		},
		{ method, route, body },
	);
	if (result.status !== 200) throw new Error(`${method} ${route}: HTTP ${result.status} ${result.text.slice(0, 500)}`);
	return JSON.parse(result.text).data;
}

/** Closes a file's browser, after logging what its pages reported to the console (errors, page errors). */
async function closeBrowser(file, { browser, problems }) {
	if (problems?.length) log(`${file}: browser console:\n${problems.join('\n')}`);
	await browser?.close().catch(() => {});
}

module.exports = {
	closeBrowser,
	editorRest,
	IMAGES_DIR,
	RESULTS_DIR,
	VIEWPORT,
	launchBrowser,
	steps,
	visible,
	gone,
	until,
	openDropdown,
	inputValue,
	imageLoaded,
	closeToasts,
	toastTexts,
	dismissOverlays,
	screenshot,
};
