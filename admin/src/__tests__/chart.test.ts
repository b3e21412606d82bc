import { query } from '../api';
import { dailyBars } from '../components/chart';
import { percent, yuan } from '../format';

const day = (d: string, tasks: number, failed = 0) => ({ day: d, tasks, failed, paidOrders: 0, revenueFen: 0 });

describe('dailyBars', () => {
  it('scales bars to the busiest day and stacks failures from the bottom', () => {
    const { bars, max } = dailyBars([day('2026-11-20', 2), day('2026-11-21', 4, 1)], 200, 100);
    expect(max).toBe(4);
    expect(bars[0]).toMatchObject({ height: 50, y: 50, label: '11-20' });
    expect(bars[1]).toMatchObject({ height: 100, y: 0, failedHeight: 25 });
    expect(bars[1].x).toBeGreaterThan(bars[0].x + bars[0].width);
  });

  it('draws empty days flat instead of dividing by zero', () => {
    const { bars } = dailyBars([day('2026-11-20', 0)], 100, 100);
    expect(bars[0].height).toBe(0);
  });
});

describe('console formatting', () => {
  it('leaves empty filters out of the query string', () => {
    expect(query({ status: '', type: 'basic_clean', phone: undefined, limit: 50 })).toBe('?type=basic_clean&limit=50');
    expect(query({})).toBe('');
  });

  it('shows money and rates', () => {
    expect(yuan(9900)).toBe('¥99.00');
    expect(percent(0.8)).toBe('80.0%');
    expect(percent(null)).toBe('—');
  });
});
