import { writeFileSync } from 'node:fs';
import { composeSupergraph, supergraphFile } from './src/index';

// `pnpm compose`: writes schema/supergraph.graphql; fails on any error or hint.
const { supergraphSdl, errors, hints } = composeSupergraph();
for (const problem of [...errors, ...hints]) console.error(problem);
if (!supergraphSdl || errors.length > 0 || hints.length > 0) {
  console.error('composition failed');
  process.exit(1);
}
writeFileSync(supergraphFile, supergraphSdl);
console.log(`wrote ${supergraphFile.pathname}`);
