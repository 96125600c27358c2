/**
 * Demo data identifiers shared by every subgraph's seed: the subgraphs never read each
 * other's tables, so the demo users' ids are fixed here and each seed uses them.
 */
export const demoUsers = {
  demo: {
    id: '0d3e6f1a-5b2c-4c7e-9a10-000000000001',
    email: 'demo@kabinet.dev',
    password: 'kabinet-demo-2026',
    displayName: 'Олена Демченко',
    surname: 'Демченко',
  },
  second: {
    id: '0d3e6f1a-5b2c-4c7e-9a10-000000000002',
    email: 'neighbour@kabinet.dev',
    password: 'kabinet-neighbour-2026',
    displayName: 'Петро Сусіденко',
    surname: 'Сусіденко',
  },
} as const;

export const demoLogins = [
  { ...demoUsers.demo, description: 'two electricity and two heat accounts, bills, payments' },
  { ...demoUsers.second, description: 'one account of each utility' },
];
