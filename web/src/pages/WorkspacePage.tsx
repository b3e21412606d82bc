import { useEffect, useState } from 'react';
import type { TaskBatch } from '../api';
import { CreatePanel } from '../components/CreatePanel';
import { LiveBatch } from '../components/LiveBatch';
import { MembershipCard } from '../components/MembershipCard';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';

/** How many of the newest batches the workspace shows again after a reload. */
const RECENT_BATCHES = 3;

/**
 * The create form and the batches: the ones made here, and the newest ones read from the server
 * (kept there, so a reload or another browser shows them again with their ZIP button).
 */
export function WorkspacePage() {
  const { api } = useSignedIn();
  const { errorText } = useI18n();
  const [batches, setBatches] = useState<TaskBatch[]>([]);
  /** Batches created in this page since it opened (titled "this batch"). */
  const [made, setMade] = useState<Set<string>>(() => new Set());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.recentBatches(RECENT_BATCHES).then(
      (answer) => {
        if (!current) return;
        // A batch created while this was loading stays first; known ones are not doubled.
        setBatches((list) => [...list, ...answer.items.filter((b) => !list.some((x) => x.batchId === b.batchId))]);
      },
      (err: unknown) => current && setError(errorText(err)),
    );
    return () => {
      current = false;
    };
  }, [api, errorText]);

  return (
    <div className="workspace">
      <div className="stack">
        <MembershipCard />
        <CreatePanel
          onCreated={(b) => {
            setMade((set) => new Set(set).add(b.batchId));
            setBatches((list) => [b, ...list.filter((x) => x.batchId !== b.batchId)]);
          }}
        />
      </div>
      <div className="stack">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {batches.map((b) => (
          <LiveBatch key={b.batchId} batch={b} restored={!made.has(b.batchId)} />
        ))}
      </div>
    </div>
  );
}
