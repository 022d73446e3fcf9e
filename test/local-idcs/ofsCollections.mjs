// Stand-in Oracle Field Service REST API (ofscCore): resources, users and several thousand activities,
// paged as Field Service pages them (Oracle, "Manage collections"): `limit` (default 10, at most 100) and
// `offset`, answers with `items`, `totalResults`, `hasMore`, `offset`, `limit` and `links` (canonical,
// and prev/next only when those pages exist). Get activities as Oracle documents it: `resources`,
// `dateFrom` and `dateTo` required, at most 31 days, at most 3 requests at once (more answer 429 here;
// Field Service queues a few, then fails), answers cut at `maxActivitiesBytes` (20 MB) with `hasMore`.
// Its errors are Field Service's problem bodies ({ type, title, status, detail }). Hooked into server.mjs,
// which checks the Authorization header first.

export const OFS_CORE = '/rest/ofscCore/v1';
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;
const MAX_ACTIVITY_DAYS = 31;
export const MAX_CONCURRENT_ACTIVITY_REQUESTS = 3;

export const OFS_RESOURCES = Object.freeze([
	{ resourceId: 'FS-DISPATCH-01', name: 'Dispatcher Demo', status: 'active', resourceType: 'BK' },
	{ resourceId: 'FS-TECH-0042', name: 'Field Technician 42', status: 'active', resourceType: 'PR' },
]);

/** The first day of the stand-in's activities, and how many days they cover. */
export const ACTIVITY_DAYS = Object.freeze({ first: '2026-12-01', count: 60 });
const STATUSES = ['pending', 'started', 'completed', 'cancelled', 'notdone'];
const TYPES = ['install', 'repair', 'inspection', 'upgrade'];

const day = (index) =>
	new Date(Date.parse(`${ACTIVITY_DAYS.first}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);

/** `count` activities, the same every time: spread over ACTIVITY_DAYS, all on resource FS-TECH-0042. */
export function makeActivities(count) {
	return Array.from({ length: count }, (_, i) => ({
		activityId: 4_100_000 + i,
		resourceId: 'FS-TECH-0042',
		date: day(i % ACTIVITY_DAYS.count),
		status: STATUSES[i % STATUSES.length],
		activityType: TYPES[i % TYPES.length],
		apptNumber: `APPT-${String(i + 1).padStart(6, '0')}`,
		customerName: `Customer ${i + 1}`,
		timeSlot: i % 2 ? 'AM' : 'PM',
	}));
}

/** `count` users, the same every time. */
export function makeUsers(count) {
	return Array.from({ length: count }, (_, i) => ({
		login: `user.${String(i + 1).padStart(4, '0')}`,
		name: `User ${i + 1}`,
		status: 'active',
		userType: i % 3 ? 'technician' : 'dispatcher',
		resourceInternalIds: [1000 + i],
	}));
}

/** Where each status the stand-in answers is defined, as Field Service's `type` links it (429: RFC 6585). */
const STATUS_TYPES = {
	400: 'http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1',
	401: 'http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2',
	404: 'http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.5',
	429: 'https://www.rfc-editor.org/rfc/rfc6585#section-4',
	503: 'http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.5.4',
};

/** A Field Service problem body: `type`, `title`, `status` (a string, as Field Service writes it), `detail`. */
export function problem(ctx, status, title, detail) {
	ctx.status = status;
	ctx.body = {
		type: STATUS_TYPES[status],
		title,
		status: String(status),
		detail,
	};
}

function integerParam(ctx, name, fallback, { min, max }) {
	const raw = ctx.query[name];
	if (raw === undefined) return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) {
		problem(ctx, 400, 'Bad Request', `Invalid value of the "${name}" parameter: ${raw}`);
		return undefined;
	}
	return Math.min(value, max);
}

/** One page of `items` as Field Service answers it; `cut`: how many fit (Get activities' size cap). */
function page(ctx, origin, items, { limit, offset, cut }) {
	const slice = items.slice(offset, offset + Math.min(limit, cut ?? limit));
	const link = (rel, at) => {
		const url = new URL(ctx.path, origin);
		for (const [name, value] of Object.entries(ctx.query)) url.searchParams.set(name, String(value));
		url.searchParams.set('offset', String(at));
		url.searchParams.set('limit', String(limit));
		return { rel, href: url.href };
	};
	const hasMore = offset + slice.length < items.length;
	const links = [link('canonical', offset)];
	if (offset > 0) links.push(link('prev', Math.max(0, offset - limit)));
	if (hasMore) links.push(link('next', offset + slice.length));
	return { items: slice, totalResults: items.length, hasMore, offset, limit, links };
}

/**
 * The collections and their state. `activities`, `users`: how many; `readJson(ctx)`: the request's JSON
 * body. Returns { handle(ctx, origin): Promise<boolean> (false: not a path of it), activity(id),
 * counters(), config(), setConfig({ latencyMs, maxActivitiesBytes }) }.
 */
export function createOfsCollections({ activities: activityCount = 3_000, users: userCount = 250, readJson } = {}) {
	const activities = makeActivities(activityCount);
	const users = makeUsers(userCount);
	const counters = { activityRequests: 0, activitiesInFlight: 0, mostActivitiesInFlight: 0, activitiesRefused: 0 };
	const config = { latencyMs: 0, maxActivitiesBytes: 20 * 1024 * 1024 };

	const pagingOf = (ctx) => {
		const limit = integerParam(ctx, 'limit', DEFAULT_LIMIT, { min: 1, max: MAX_LIMIT });
		const offset =
			limit === undefined ? undefined : integerParam(ctx, 'offset', 0, { min: 0, max: Number.MAX_SAFE_INTEGER });
		return offset === undefined ? undefined : { limit, offset };
	};

	async function listActivities(ctx, origin) {
		counters.activityRequests += 1;
		if (counters.activitiesInFlight >= MAX_CONCURRENT_ACTIVITY_REQUESTS) {
			counters.activitiesRefused += 1;
			ctx.set('Retry-After', '1');
			problem(
				ctx,
				429,
				'Too Many Requests',
				`At most ${MAX_CONCURRENT_ACTIVITY_REQUESTS} Get activities requests may run at once`,
			);
			return;
		}
		counters.activitiesInFlight += 1;
		counters.mostActivitiesInFlight = Math.max(counters.mostActivitiesInFlight, counters.activitiesInFlight);
		try {
			if (config.latencyMs) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
			const { resources, dateFrom, dateTo } = ctx.query;
			if (!resources || !dateFrom || !dateTo) {
				problem(ctx, 400, 'Bad Request', 'The "resources", "dateFrom" and "dateTo" parameters are required');
				return;
			}
			const from = Date.parse(`${dateFrom}T00:00:00Z`);
			const to = Date.parse(`${dateTo}T00:00:00Z`);
			if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
				problem(ctx, 400, 'Bad Request', `Invalid date range: dateFrom ${dateFrom}, dateTo ${dateTo}`);
				return;
			}
			if ((to - from) / 86_400_000 + 1 > MAX_ACTIVITY_DAYS) {
				problem(ctx, 400, 'Bad Request', `The date range may cover at most ${MAX_ACTIVITY_DAYS} days`);
				return;
			}
			const paging = pagingOf(ctx);
			if (!paging) return;
			const wanted = new Set(String(resources).split(','));
			const matching = activities.filter((a) => wanted.has(a.resourceId) && a.date >= dateFrom && a.date <= dateTo);
			// Rows up to the size cap; at least one, so that paging always moves on.
			const rows = matching.slice(paging.offset, paging.offset + paging.limit);
			let bytes = 0;
			let fit = 0;
			for (const row of rows) {
				bytes += JSON.stringify(row).length + 1;
				if (bytes > config.maxActivitiesBytes && fit > 0) break;
				fit += 1;
			}
			ctx.body = page(ctx, origin, matching, { ...paging, cut: fit });
		} finally {
			counters.activitiesInFlight -= 1;
		}
	}

	return {
		async handle(ctx, origin) {
			const { method, path } = ctx;
			if (method === 'GET' && path === `${OFS_CORE}/resources`) {
				const paging = pagingOf(ctx);
				if (paging) ctx.body = page(ctx, origin, OFS_RESOURCES, paging);
				return true;
			}
			if (method === 'GET' && path === `${OFS_CORE}/users`) {
				const paging = pagingOf(ctx);
				if (paging) ctx.body = page(ctx, origin, users, paging);
				return true;
			}
			const member = new RegExp(`^${OFS_CORE}/(resources|users)/([^/]+)$`).exec(path);
			if (member && method === 'GET') {
				const id = decodeURIComponent(member[2]);
				const found =
					member[1] === 'resources'
						? OFS_RESOURCES.find((r) => r.resourceId === id)
						: users.find((u) => u.login === id);
				if (found) ctx.body = found;
				else problem(ctx, 404, 'Not Found', `${member[1] === 'resources' ? 'Resource' : 'User'} ${id} not found`);
				return true;
			}
			if (method === 'GET' && path === `${OFS_CORE}/activities`) {
				await listActivities(ctx, origin);
				return true;
			}
			const one = new RegExp(`^${OFS_CORE}/activities/(\\d+)$`).exec(path);
			if (one && (method === 'GET' || method === 'PATCH')) {
				const activity = activities.find((a) => a.activityId === Number(one[1]));
				if (!activity) {
					problem(ctx, 404, 'Not Found', `Activity ${one[1]} not found`);
					return true;
				}
				if (method === 'PATCH') {
					const changes = await readJson(ctx).catch(() => undefined);
					if (!changes || typeof changes !== 'object' || Array.isArray(changes)) {
						problem(ctx, 400, 'Bad Request', 'The request body must be a JSON object');
						return true;
					}
					for (const key of ['activityId', 'resourceId']) {
						if (key in changes) {
							problem(ctx, 400, 'Bad Request', `The "${key}" field cannot be changed`);
							return true;
						}
					}
					Object.assign(activity, changes);
				}
				ctx.body = activity;
				return true;
			}
			return false;
		},
		activity: (id) => activities.find((a) => a.activityId === id),
		counters: () => ({ ...counters }),
		config: () => ({ ...config }),
		setConfig(changes) {
			if (changes.latencyMs !== undefined) config.latencyMs = Math.max(0, Number(changes.latencyMs) || 0);
			if (changes.maxActivitiesBytes !== undefined)
				config.maxActivitiesBytes = Math.max(1, Number(changes.maxActivitiesBytes) || 1);
			return { ...config };
		},
	};
}
