import { useEffect, useRef, useState } from 'react';
import type { TaskBatch } from '../api';
import { CreatePanel } from '../components/CreatePanel';
import { LiveBatch } from '../components/LiveBatch';
import { MembershipCard } from '../components/MembershipCard';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';

/** How many of the newest batches the workspace shows again after a reload. */
const RECENT_BATCHES = 3;

/** Below this width the workspace is one column (styles.css `.workspace`). */
const ONE_COLUMN = '(max-width: 899px)';

/**
 * The create form and the batches: the ones made here, and the newest ones read from the server
 * (kept there, so a reload or another browser shows them again with their ZIP button). The form
 * is on the left, the batches on the right, kept in sight (sticky) beside a long form; one column
 * on a phone, where a batch just created is below the form: its progress is scrolled into view.
 */
export function WorkspacePage() {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const [batches, setBatches] = useState<TaskBatch[]>([]);
  /** Batches created in this page since it opened (titled "this batch"). */
  const [made, setMade] = useState<Set<string>>(() => new Set());
  const [lastMade, setLastMade] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const results = useRef<HTMLDivElement>(null);

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

  // Only for a batch made here (restored ones arrive with the page: nothing to scroll to).
  useEffect(() => {
    if (!lastMade || !results.current || !window.matchMedia(ONE_COLUMN).matches) return;
    // Just below the sticky top bar.
    const bar = document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0;
    const top = results.current.getBoundingClientRect().top + window.scrollY - bar - 8;
    window.scrollTo({ top, behavior: 'smooth' });
  }, [lastMade]);

  return (
    <div className="workspace">
      <div className="stack" data-testid="workspace-create">
        <MembershipCard />
        <CreatePanel
          onCreated={(b) => {
            setMade((set) => new Set(set).add(b.batchId));
            setLastMade(b.batchId);
            setBatches((list) => [b, ...list.filter((x) => x.batchId !== b.batchId)]);
          }}
        />
      </div>
      <div className="stack workspace-results" ref={results} data-testid="workspace-results">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {batches.map((b) => (
          <LiveBatch key={b.batchId} batch={b} restored={!made.has(b.batchId)} />
        ))}
        {!batches.length && (
          <section className="card results-pane" data-testid="results-pane">
            <h2>{t('workspace.resultsTitle')}</h2>
            <p className="muted small">{t('workspace.resultsEmpty')}</p>
          </section>
        )}
      </div>
    </div>
  );
}
