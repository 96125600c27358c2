import { readFileSync } from 'node:fs';

const dashboard = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');

/** What Apollo Sandbox opens with: how to authenticate, then the Dashboard query as written. */
export const sandboxDocument = `# Welcome to Kabinet.
# 1. Run the Login operation below (demo login: demo@kabinet.dev / kabinet-demo-2026).
# 2. Copy data.login.accessToken from the response.
# 3. Open "Headers" at the bottom-left and set:  Authorization: Bearer <accessToken>
# 4. Run Dashboard.
mutation Login {
  login(input: { email: "demo@kabinet.dev", password: "kabinet-demo-2026" }) {
    accessToken
    refreshToken
    accessTokenExpiresAt
  }
}

${dashboard}`;
