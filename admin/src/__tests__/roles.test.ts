import { isSection, sectionsFor } from '../roles';

describe('sectionsFor', () => {
  it('gives admins every section', () => {
    expect(sectionsFor('admin')).toEqual([
      'dashboard',
      'users',
      'orders',
      'settings',
      'accounts',
      'products',
      'tasks',
      'scenes',
    ]);
  });

  it('limits operators to tasks and scenes', () => {
    expect(sectionsFor('operator')).toEqual(['tasks', 'scenes']);
  });

  it('knows every section, so a forbidden one can be told from an unknown path', () => {
    expect(isSection('accounts')).toBe(true);
    expect(isSection('products')).toBe(true);
    expect(isSection('nope')).toBe(false);
  });
});
