import { useState } from 'react';
import type { TaskBatch } from '../api';
import { CreatePanel } from '../components/CreatePanel';
import { LiveBatch } from '../components/LiveBatch';
import { MembershipCard } from '../components/MembershipCard';

export function WorkspacePage() {
  const [batches, setBatches] = useState<TaskBatch[]>([]);
  return (
    <div className="workspace">
      <div className="stack">
        <MembershipCard />
        <CreatePanel onCreated={(b) => setBatches((list) => [b, ...list])} />
      </div>
      <div className="stack">
        {batches.map((b) => (
          <LiveBatch key={b.batchId} batch={b} />
        ))}
      </div>
    </div>
  );
}
