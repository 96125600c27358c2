import { utilityTypePermissions } from '@kabinet/utility-core';

/** Deny by default (the kit's fallback); every type of the schema is ruled here. */
export const permissions = utilityTypePermissions('HeatAccount');
