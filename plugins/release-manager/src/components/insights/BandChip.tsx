import { Chip } from '@material-ui/core';
import { DoraBand } from '@slipway/plugin-release-manager-common';

const COLORS: Record<DoraBand, string> = {
  elite: '#2e7d32',
  high: '#558b2f',
  medium: '#f9a825',
  low: '#c62828',
};

/** A DORA performance band as a coloured chip ("no data" when null). */
export function BandChip(props: { band: DoraBand | null }) {
  const { band } = props;
  return (
    <Chip
      size="small"
      label={band ?? 'no data'}
      style={
        band
          ? { backgroundColor: COLORS[band], color: '#fff' }
          : { backgroundColor: '#9e9e9e', color: '#fff' }
      }
    />
  );
}
