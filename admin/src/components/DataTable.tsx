import { Fragment, type ReactNode } from 'react';
import { useI18n } from '../lib/i18n';

/**
 * A console list: a table that scrolls sideways on a narrow screen, one header cell per label
 * (`actions`: one more, empty, over the rows' buttons), the rows as children.
 */
export function DataTable({
  headers,
  actions,
  children,
}: {
  headers: ReactNode[];
  actions?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
            {actions && <th />}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Enabled or disabled, as a badge (`off`: the class of the disabled one, plain unless told). */
export function EnabledBadge({ enabled, off = '' }: { enabled: boolean; off?: string }) {
  const { t } = useI18n();
  return enabled ? (
    <span className="badge ok">{t('common.enabled')}</span>
  ) : (
    <span className={off ? `badge ${off}` : 'badge'}>{t('common.disabled')}</span>
  );
}

/** A row's buttons, on one line with a space between (buttons styled as links). */
export function RowActions({ children }: { children: ReactNode }) {
  const items = (Array.isArray(children) ? children : [children]).filter(Boolean);
  return (
    <td className="nowrap">
      {items.map((child, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          {child}
        </Fragment>
      ))}
    </td>
  );
}
