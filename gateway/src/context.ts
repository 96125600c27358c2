import type { Viewer } from '@kabinet/auth';

export interface GatewayContext {
  /** The caller's verified identity; `null` for anonymous requests. */
  viewer: Viewer | null;
  /** Forwarded as-is so that each subgraph verifies the token itself. */
  authorization: string | undefined;
  clientIp: string;
  /** Forwarded so that every subgraph answers in the caller's language. */
  acceptLanguage: string | undefined;
}
