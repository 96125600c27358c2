export { scalarResolvers } from '@kabinet/input';
