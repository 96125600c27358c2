import { scalarResolvers } from '@kabinet/subgraph';
import type { Resolvers } from '../generated/resolvers-types';
import { AuthorizedApp } from './AuthorizedApp';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { ...scalarResolvers, Query, Mutation, User, AuthorizedApp };
