/**
 * No list answers more than this many items at once (SECURITY.md: pagination is capped). Here, not
 * in `@kabinet/subgraph`, because the gateway prices a page by it too.
 */
export const maxPageSize = 100;

/** A page's size when neither the client nor the field's SDL default says (`pageArguments`' default). */
export const defaultPageSize = 20;
