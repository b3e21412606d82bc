import { definitionOfTask } from '../task-request';

describe('definitionOfTask', () => {
  const text = JSON.stringify({ key: 'basic_clean', inputs: [{ name: 'garment' }], params: [], outputs: 1 });

  it('parses each distinct definition text once and shares it, frozen all the way down', () => {
    const a = definitionOfTask({ id: 't1', typeDef: text });
    const b = definitionOfTask({ id: 't2', typeDef: `${text}` });
    expect(b).toBe(a);
    expect(a.inputs[0].name).toBe('garment');
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.inputs)).toBe(true);
    expect(Object.isFrozen(a.inputs[0])).toBe(true);
    expect(() => {
      (a.inputs as Array<{ name: string }>)[0].name = 'changed';
    }).toThrow(TypeError);
    const other = definitionOfTask({ id: 't3', typeDef: text.replace('basic_clean', 'other') });
    expect(other).not.toBe(a);
    expect(other.key).toBe('other');
  });

  it('refuses a task without a frozen definition', () => {
    expect(() => definitionOfTask({ id: 'old', typeDef: null })).toThrow('task old has no frozen type definition');
  });
});
