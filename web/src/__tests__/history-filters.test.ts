import { attachmentName } from '../api';
import { dayStart, filtersToSearch, parseFilters } from '../lib/history-filters';

describe('history filters in the URL', () => {
  it('reads what it writes, leaving out empty filters', () => {
    const f = {
      type: 'basic_clean',
      status: 'done' as const,
      favorites: true,
      from: '2026-12-01',
      to: '2026-12-02',
      q: '白T恤',
    };
    const search = filtersToSearch(f);
    expect(search).toBe('?fav=1&type=basic_clean&status=done&from=2026-12-01&to=2026-12-02&q=%E7%99%BDT%E6%81%A4');
    expect(parseFilters(search)).toEqual(f);
    expect(filtersToSearch({ type: '', status: '', favorites: false, from: '', to: '', q: '  ' })).toBe('');
  });

  it('ignores what is not a filter value: unknown states, malformed days, long names', () => {
    expect(parseFilters(`?status=lost&from=yesterday&to=2026-1-2&fav=yes&q=${'x'.repeat(150)}`)).toEqual({
      type: '',
      status: '',
      favorites: false,
      from: '',
      to: '',
      q: 'x'.repeat(100),
    });
  });

  it('turns a calendar day into the instant of its local midnight, or of the next day', () => {
    expect(new Date(dayStart('2026-12-01')).getTime()).toBe(new Date(2026, 11, 1).getTime());
    expect(new Date(dayStart('2026-12-31', 1)).getTime()).toBe(new Date(2027, 0, 1).getTime());
  });
});

describe('attachmentName', () => {
  it('prefers the UTF-8 name, then the plain one, then the fallback', () => {
    expect(
      attachmentName(`attachment; filename="_T_+1.zip"; filename*=UTF-8''%E7%99%BDT%E6%81%A4_%2B1.zip`, 'x.zip'),
    ).toBe('白T恤_+1.zip');
    expect(attachmentName('attachment; filename="a.zip"', 'x.zip')).toBe('a.zip');
    expect(attachmentName(`attachment; filename*=UTF-8''%E7%99%`, 'x.zip')).toBe('x.zip');
    expect(attachmentName(null, 'x.zip')).toBe('x.zip');
  });
});
