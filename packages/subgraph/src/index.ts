export * from './clock';
export * from './service';
export * from './rules';
export * from './schema-files';
export * from './module';
export * from './pagination';
export * from './scalars';
export * from './jobs';
