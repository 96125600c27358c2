import { stringProblem } from '@kabinet/input/text';

/*
 * Where a registry comes from. A bank's reference is unique only within that bank, so the source
 * is part of a registry payment's identity (import.ts): it must name one bank however the
 * operator types it ("PrivatBank", "Privat Bank", "ПриватБанк"), or a file uploaded again under
 * another spelling would post its payments again. So the sources are a closed list, matched on
 * their names folded to letters and digits; an unknown name is refused, never guessed.
 */

export interface RegistrySource {
  /** Part of each payment's id: never change one. */
  code: string;
  /** As the ledger entry and the report say it. */
  name: string;
  names: string[];
  /** The currency it takes payments in: a Ukrainian bank's registry holds hryvnias, never a rouble supplier's payments. */
  currency: 'UAH' | 'RUB';
}

export const registrySources: readonly RegistrySource[] = [
  { code: 'privatbank', name: 'ПриватБанк', names: ['PrivatBank', 'ПриватБанк', 'Privat', 'Приват'], currency: 'UAH' },
  { code: 'oschadbank', name: 'Ощадбанк', names: ['Oschadbank', 'Ощадбанк', 'Oschad', 'Ощад'], currency: 'UAH' },
  { code: 'monobank', name: 'monobank', names: ['monobank', 'Universal Bank', 'Універсал Банк', 'монобанк'], currency: 'UAH' },
  { code: 'raiffeisen', name: 'Райффайзен Банк', names: ['Raiffeisen', 'Raiffeisen Bank', 'Райффайзен', 'Райффайзен Банк'], currency: 'UAH' },
  { code: 'pumb', name: 'ПУМБ', names: ['PUMB', 'ПУМБ', 'FUIB'], currency: 'UAH' },
  { code: 'ukrposhta', name: 'Укрпошта', names: ['Ukrposhta', 'Укрпошта', 'Ukrainian Post'], currency: 'UAH' },
  { code: 'sberbank', name: 'Сбербанк', names: ['Sberbank', 'Сбербанк', 'Сбер'], currency: 'RUB' },
  { code: 'pochta-rossii', name: 'Почта России', names: ['Pochta Rossii', 'Russian Post', 'Почта России'], currency: 'RUB' },
];

/** Letters and digits only, lower case: spaces, hyphens, dots and quotes make no other bank. */
const folded = (name: string) => name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

const byName = new Map(registrySources.flatMap((source) => [source.code, ...source.names].map((name) => [folded(name), source] as const)));

export function findRegistrySource(name: string): RegistrySource | null {
  // Folding drops control characters too: a name holding one is refused before it could match.
  return stringProblem(name) ? null : (byName.get(folded(name)) ?? null);
}
