import { FieldServiceApiError } from './apiError';

/** Field Service pages a collection by `limit` (at most 100) and `offset` (Oracle, "Manage collections"). */
export const MAX_PAGE_SIZE = 100;

/** One page of a collection as Field Service answers it. */
export interface CollectionPage {
	items: unknown[];
	totalResults?: number;
	/** Set by some endpoints, and by Get activities when it cut a page short at 20 MB. */
	hasMore?: boolean;
	offset?: number;
	limit?: number;
	links?: Array<{ rel?: string; href?: string }>;
}

/** The page in an answer, checked: `items` must be a list. */
export function collectionPage(body: unknown, where: string): CollectionPage {
	const page = (body ?? {}) as Partial<CollectionPage>;
	if (!Array.isArray(page.items)) {
		// An empty collection may come without `items`.
		if (body && typeof body === 'object' && !('items' in body) && (page.totalResults === 0 || page.hasMore === false)) {
			return { ...page, items: [] };
		}
		throw new FieldServiceApiError(
			`Field Service answered ${where} without a list of items`,
			'Check the path: it must name a collection (e.g. /rest/ofscCore/v1/resources), not a single resource.',
			{ method: 'GET', path: where },
		);
	}
	return page as CollectionPage;
}

/** Whether more pages follow this one, which started at `offset`, by what the page says. */
function morePages(page: CollectionPage, offset: number, asked: number): boolean {
	if (typeof page.hasMore === 'boolean') return page.hasMore;
	if (typeof page.totalResults === 'number') return offset + page.items.length < page.totalResults;
	if (Array.isArray(page.links)) return page.links.some((link) => link?.rel === 'next');
	return page.items.length >= asked;
}

export interface ListResult {
	items: unknown[];
	/** Requests made, one per page. */
	pages: number;
	totalResults?: number;
}

/**
 * The items of a collection, a page at a time, one request after the other (never more at once than
 * Field Service takes: Get activities allows 3). `limit`: how many items at most (Infinity for all).
 * Each page asks for at most MAX_PAGE_SIZE, and no more than are still wanted; the next page starts
 * after the items that came, since Get activities may cut a page short (20 MB) and say `hasMore`.
 */
export async function listCollection(
	fetchPage: (offset: number, limit: number) => Promise<CollectionPage>,
	limit: number,
	where: string,
): Promise<ListResult> {
	const items: unknown[] = [];
	let offset = 0;
	let pages = 0;
	let totalResults: number | undefined;
	while (items.length < limit) {
		const asked = Math.min(MAX_PAGE_SIZE, limit - items.length);
		const page = await fetchPage(offset, asked);
		pages += 1;
		if (typeof page.totalResults === 'number') totalResults = page.totalResults;
		items.push(...page.items.slice(0, limit - items.length));
		if (!morePages(page, offset, asked)) break;
		if (page.items.length === 0) {
			throw new FieldServiceApiError(
				`Field Service said more items follow at offset ${offset} of ${where}, but sent none`,
				'Run the workflow again; if it persists, set a Limit instead of Return All.',
				{ method: 'GET', path: where },
			);
		}
		offset += page.items.length;
	}
	return { items, pages, totalResults };
}
