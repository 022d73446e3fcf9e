/** Field Service's Core API. */
export const OFS_CORE = '/rest/ofscCore/v1';
