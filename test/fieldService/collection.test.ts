import {
	FieldServiceApiError,
	listCollection,
	collectionPage,
	type CollectionPage,
} from '../../nodes/FieldService/api';

// Paging by Field Service's rules (Oracle, "Manage collections"): limit at most 100, offset, and when to stop.

/** A collection of `total` numbers served by `serve(offset, limit)`, recording what was asked. */
function pages(total: number, shape: (items: number[], offset: number, limit: number) => CollectionPage) {
	const asked: Array<[number, number]> = [];
	const fetchPage = async (offset: number, limit: number) => {
		asked.push([offset, limit]);
		const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i);
		return shape(items, offset, limit);
	};
	return { asked, fetchPage };
}

it('Return All: pages of 100 until hasMore is false', async () => {
	const { asked, fetchPage } = pages(250, (items, offset) => ({ items, hasMore: offset + items.length < 250 }));
	const result = await listCollection(fetchPage, Infinity, '/rest/x');
	expect(result.items).toEqual(Array.from({ length: 250 }, (_, i) => i));
	expect(asked).toEqual([
		[0, 100],
		[100, 100],
		[200, 100],
	]);
	expect(result.pages).toBe(3);
});

it('without hasMore: stops at totalResults, or when no next link, or at a short page', async () => {
	const byTotal = pages(120, (items) => ({ items, totalResults: 120 }));
	expect((await listCollection(byTotal.fetchPage, Infinity, '/rest/x')).items).toHaveLength(120);
	expect(byTotal.asked).toHaveLength(2);

	const byLinks = pages(150, (items, offset) => ({
		items,
		links: offset + items.length < 150 ? [{ rel: 'canonical' }, { rel: 'next', href: 'x' }] : [{ rel: 'canonical' }],
	}));
	expect((await listCollection(byLinks.fetchPage, Infinity, '/rest/x')).items).toHaveLength(150);
	expect(byLinks.asked).toHaveLength(2);

	const byShortPage = pages(100, (items) => ({ items }));
	expect((await listCollection(byShortPage.fetchPage, Infinity, '/rest/x')).items).toHaveLength(100);
	// A full page says nothing: one more request finds the end.
	expect(byShortPage.asked).toEqual([
		[0, 100],
		[100, 100],
	]);
});

it('Limit: never asks for more than it still wants, nor returns more', async () => {
	const { asked, fetchPage } = pages(1000, (items) => ({ items, hasMore: true }));
	expect((await listCollection(fetchPage, 130, '/rest/x')).items).toHaveLength(130);
	expect(asked).toEqual([
		[0, 100],
		[100, 30],
	]);
});

it('a page cut short (hasMore, as Get activities at 20 MB) continues after the rows that came', async () => {
	const { asked, fetchPage } = pages(10, (items, offset) => ({ items: items.slice(0, 4), hasMore: offset + 4 < 10 }));
	expect((await listCollection(fetchPage, Infinity, '/rest/x')).items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	expect(asked.map(([offset]) => offset)).toEqual([0, 4, 8]);
});

it('more promised but nothing sent: an error, not an endless loop', async () => {
	await expect(listCollection(async () => ({ items: [], hasMore: true }), Infinity, '/rest/x')).rejects.toThrow(
		'Field Service said more items follow at offset 0 of /rest/x, but sent none',
	);
});

it('an answer without items is no collection, unless it says it is empty', () => {
	expect(() => collectionPage({ resourceId: 'X' }, '/rest/ofscCore/v1/resources/X')).toThrow(FieldServiceApiError);
	expect(collectionPage({ totalResults: 0 }, '/rest/x')).toEqual({ totalResults: 0, items: [] });
});
