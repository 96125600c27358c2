export * from './dates';
export * from './guard';
export * from './scalars';
export * from './strings';
export * from './pages';
