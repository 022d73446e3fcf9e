// The Field Service REST API core: no n8n types in here, one module per step of a call.
export * from './apiError';
export * from './apiUrl';
export * from './collection';
export * from './sendApiRequest';
