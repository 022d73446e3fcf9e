import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';

import { IdcsClientCredentialsOAuth2Api } from '../../credentials/IdcsClientCredentialsOAuth2Api.credentials';
import { IdcsOAuth2Api } from '../../credentials/IdcsOAuth2Api.credentials';
import { OracleFieldServiceApi } from '../../credentials/OracleFieldServiceApi.credentials';

// The README (the package page) and docs/: every relative link and image points at a file that exists,
// every #anchor at a heading of its page, and every link of the codex and the credentials to the
// package page at a heading of the README.

const root = resolve(__dirname, '../..');
const PACKAGE_PAGE = 'https://www.npmjs.com/package/n8n-nodes-field-service-token';
const pages = [
	'README.md',
	...readdirSync(join(root, 'docs'))
		.filter((f) => f.endsWith('.md'))
		.map((f) => `docs/${f}`),
];

/** A heading's anchor as GitHub and npm make it: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
	heading
		.toLowerCase()
		.replace(/[^a-z0-9 _-]/g, '')
		.replace(/ /g, '-');

const anchorsOf = (page: string) =>
	new Set(
		readFileSync(join(root, page), 'utf8')
			.replace(/```[\s\S]*?```/g, '')
			.split('\n')
			.filter((line) => /^#{1,6} /.test(line))
			.map((line) => slug(line.replace(/^#+ /, ''))),
	);

/** Each [text](target) and ![alt](target) outside code blocks, with the page it is on. */
const links = pages.flatMap((page) =>
	[
		...readFileSync(join(root, page), 'utf8')
			.replace(/```[\s\S]*?```/g, '')
			.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g),
	].map((match) => ({ page, target: match[1] })),
);

describe('the README and docs/', () => {
	it('link to files and images that exist', () => {
		const relative = links.filter(({ target }) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
		expect(relative.length).toBeGreaterThan(20);
		const dead = relative.filter(({ page, target }) => !existsSync(join(root, dirname(page), target.split('#')[0])));
		expect(dead).toEqual([]);
	});

	it('link to anchors that are headings of the page they name', () => {
		const anchored = links.filter(({ target }) => !/^[a-z]+:/i.test(target) && target.includes('#'));
		expect(anchored.length).toBeGreaterThan(5);
		const dead = anchored.filter(({ page, target }) => {
			const [file, anchor] = target.split('#');
			const named = file ? join(dirname(page), file) : page;
			return !anchorsOf(named).has(anchor);
		});
		expect(dead).toEqual([]);
	});

	it('have the headings the codex and the credentials link to on the package page', () => {
		const codex = JSON.parse(readFileSync(join(root, 'nodes/FieldServiceToken/FieldServiceToken.node.json'), 'utf8'));
		const urls: string[] = [
			...[...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation].map(
				(d: { url: string }) => d.url,
			),
			...[new IdcsOAuth2Api(), new IdcsClientCredentialsOAuth2Api(), new OracleFieldServiceApi()].map(
				(credential) => credential.documentationUrl,
			),
		].filter((url) => url.startsWith(`${PACKAGE_PAGE}#`));
		expect(urls.length).toBe(4);
		const readme = anchorsOf('README.md');
		expect(urls.filter((url) => !readme.has(url.split('#')[1]))).toEqual([]);
	});
});
