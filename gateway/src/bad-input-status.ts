import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Kind } from 'graphql';

/**
 * A request that failed only because of what the client sent is answered 400, as the issue's
 * rule for bad input asks: every error is `BAD_USER_INPUT` (raised by a subgraph on a field, e.g.
 * a cursor it cannot read; refusals the gateway raises before executing already carry their
 * status), and, for a mutation, nothing was done: it has one root field, and that field is
 * null. A query keeps the data its other fields got in the body; a mutation that may have changed
 * something answers 200 so that the client does not take it for undone. Any other error beside it (a service down, FORBIDDEN, a domain
 * refusal such as WEAK_PASSWORD) is not the request's shape alone: 200 as before.
 */
const listener: GraphQLRequestListener<object> = {
  async willSendResponse({ response, operation }) {
    if (response.body.kind !== 'single' || response.http.status !== undefined) return;
    const { errors, data } = response.body.singleResult;
    if (!errors) return;
    for (const error of errors) if (error.extensions?.code !== 'BAD_USER_INPUT') return;
    if (operation?.operation === 'mutation') {
      // With several root fields, `data: null` (a non-null field's error) may hide one that was done.
      const roots = operation.selectionSet.selections;
      if (roots.length !== 1 || roots[0]!.kind !== Kind.FIELD) return;
      if (data) for (const field in data) if (data[field] !== null) return;
    }
    response.http.status = 400;
  },
};

// One listener for every request: nothing is allocated per request.
export const badInputStatus = <TContext extends object>(): ApolloServerPlugin<TContext> => ({ requestDidStart: async () => listener });
