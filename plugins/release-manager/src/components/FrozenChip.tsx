import { Chip, Tooltip } from '@material-ui/core';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import { FreezeWindowState } from '@slipway/plugin-release-manager-common';
import { DateTime } from 'luxon';

/** An RFC 3339 time as the user's local date and time, e.g. `Dec 24, 2026, 6:00 PM`. */
export function localTime(iso: string): string {
  return DateTime.fromISO(iso).toLocaleString(DateTime.DATETIME_MED);
}

/**
 * The freeze windows of `environment` that are active now, from `GET …/freezes`; the
 * one that ends last first (it is the one that says until when releases are refused).
 */
export function activeFreezes(
  windows: FreezeWindowState[] | undefined,
  environment: string,
): FreezeWindowState[] {
  return (windows ?? [])
    .filter(w => w.active && w.environment === environment)
    .sort((a, b) => (b.end ?? '').localeCompare(a.end ?? ''));
}

/**
 * "frozen until <time> (<reason>)" for an environment frozen now; nothing when
 * `windows` holds no active window of it. The tooltip lists every active window.
 */
export function FrozenChip(props: {
  windows?: FreezeWindowState[];
  environment: string;
}) {
  const active = activeFreezes(props.windows, props.environment);
  if (active.length === 0) return null;
  const [first] = active;
  const label = `frozen until ${first.end ? localTime(first.end) : '—'} (${
    first.reason
  })`;
  return (
    <Tooltip
      title={active
        .map(
          w =>
            `${w.global ? 'global ' : ''}${w.id}: ${w.reason}${
              w.end ? ` until ${localTime(w.end)}` : ''
            }`,
        )
        .join('; ')}
    >
      <Chip
        size="small"
        color="secondary"
        icon={<AcUnitIcon />}
        // Wraps onto several lines in the narrow environment column instead of
        // widening it (a long reason pushed the row's buttons out of the table).
        style={{
          height: 'auto',
          maxWidth: 220,
          paddingTop: 2,
          paddingBottom: 2,
        }}
        label={<span style={{ whiteSpace: 'normal' }}>{label}</span>}
        data-testid={`frozen-${props.environment}`}
      />
    </Tooltip>
  );
}
