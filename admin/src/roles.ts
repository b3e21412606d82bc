import type { Admin } from './api';

export type AdminRole = Admin['role'];

/** Console sections and who may open them (the API enforces the same rule). */
export const SECTIONS = {
  dashboard: ['admin'],
  users: ['admin'],
  orders: ['admin'],
  settings: ['admin'],
  accounts: ['admin'],
  products: ['admin'],
  tasks: ['admin', 'operator'],
  scenes: ['admin', 'operator'],
} as const satisfies Record<string, readonly AdminRole[]>;

export type Section = keyof typeof SECTIONS;

export function sectionsFor(role: AdminRole): Section[] {
  return (Object.keys(SECTIONS) as Section[]).filter((s) => (SECTIONS[s] as readonly AdminRole[]).includes(role));
}

/** A section the console has (allowed or not), as opposed to an unknown path. */
export function isSection(name: string): name is Section {
  return Object.prototype.hasOwnProperty.call(SECTIONS, name);
}
