// The toast of the last bulk change: what happened, and Undo. The change itself is kept by
// the server (bulk_undo in the catalog), so Undo works after the grid refreshed; the toast
// only holds the change id it names, and the server refuses it once a later change landed.
import { useCallback, useState } from 'react';
import type { BulkChange } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';

export interface BulkToastState {
  readonly change: BulkChange;
  /** True once undone: the toast says so and offers nothing more. */
  readonly undone: boolean;
  /** Why the undo failed, if it did. */
  readonly error: unknown;
  /** Bumped per shown message, so the toast's timer restarts. */
  readonly seq: number;
}

export function useBulkToast() {
  const client = useClient();
  const [toast, setToast] = useState<BulkToastState | null>(null);
  const report = useCallback((change: BulkChange) => {
    setToast((t) => ({ change, undone: false, error: null, seq: (t?.seq ?? 0) + 1 }));
  }, []);
  const undo = useCallback(() => {
    if (!toast || toast.undone) return;
    client.api['bulk.undo']({ changeId: toast.change.changeId }).then(
      (change) => {
        setToast((t) => ({ change, undone: true, error: null, seq: (t?.seq ?? 0) + 1 }));
      },
      (error: unknown) => {
        setToast((t) => t && { ...t, error, seq: t.seq + 1 });
      },
    );
  }, [client, toast]);
  const dismiss = useCallback(() => {
    setToast(null);
  }, []);
  return { toast, report, undo, dismiss };
}
