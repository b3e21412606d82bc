import { sectionsFor } from '../roles';

describe('sectionsFor', () => {
  it('gives admins every section', () => {
    expect(sectionsFor('admin')).toEqual(['dashboard', 'users', 'orders', 'settings', 'tasks', 'scenes']);
  });

  it('limits operators to tasks and scenes', () => {
    expect(sectionsFor('operator')).toEqual(['tasks', 'scenes']);
  });
});
