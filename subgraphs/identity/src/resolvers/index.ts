import { scalarResolvers } from '@kabinet/subgraph';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';

export const resolvers = { ...scalarResolvers, Query, Mutation, User };
