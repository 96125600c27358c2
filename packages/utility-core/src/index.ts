export * from './loaders';
export * from './meters';
export * from './module';
export * from './seed';
export * from './tables';
