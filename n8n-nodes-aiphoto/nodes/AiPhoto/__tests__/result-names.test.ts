import shared from '../../../fixtures/result-name-vectors.json';
import { resultFileNames, resultStem, resultZipName } from '../result-names';

// The same examples the backend's rule is tested against: both must name a download alike.
describe('download names, as the backend gives them', () => {
  it.each(shared.vectors.map((v) => [v.description, v] as const))('%s', (_d, v) => {
    // The node sees signed result URLs, not storage keys.
    const results = v.task.resultKeys.map((key) => `https://cdn.example.com/${key}?sign=q%2Fx&t=1`);
    expect(resultFileNames({ ...v.task, results })).toEqual(v.names);
    expect(resultZipName(v.task)).toBe(v.zip);
  });

  it('reads a percent-encoded result name and a task without inputName (older backends)', () => {
    const names = resultFileNames({
      id: 'abc-123-def',
      type: 'x',
      results: ['https://cdn.example.com/o/%E4%B8%BB.jpg'],
    });
    expect(names).toEqual(['aiphoto-abc123de_主.jpg']);
    expect(resultStem({ id: 'abc-123-def', inputName: '   ' })).toBe('aiphoto-abc123de');
  });
});
