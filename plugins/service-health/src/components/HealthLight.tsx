import { HealthLight as Light } from '@slipway/plugin-service-health-common';
import { makeStyles, Tooltip } from '@material-ui/core';

const colors: Record<Light, string> = {
  green: '#2e7d32',
  amber: '#f9a825',
  red: '#c62828',
  grey: '#9e9e9e',
};

const useStyles = makeStyles({
  dot: {
    display: 'inline-block',
    borderRadius: '50%',
    verticalAlign: 'middle',
    flexShrink: 0,
    boxShadow: 'inset 0 0 0 1px rgba(0,0,0,0.15)',
  },
});

/** Words for a light, for screen readers and tooltips. */
export const lightLabels: Record<Light, string> = {
  green: 'Healthy',
  amber: 'Degraded',
  red: 'Unhealthy',
  grey: 'Unknown',
};

/**
 * A traffic-light dot: green, amber, red or grey, `size` pixels wide (default 14), with
 * an accessible name (`Healthy`, `Degraded`, `Unhealthy`, `Unknown`) and `title` as its
 * tooltip when given.
 *
 * @public
 */
export function HealthLight(props: {
  light: Light;
  size?: number;
  title?: string;
}) {
  const { light, size = 14, title } = props;
  const classes = useStyles();
  const dot = (
    <span
      role="img"
      aria-label={`${lightLabels[light]}${title ? `: ${title}` : ''}`}
      data-light={light}
      className={classes.dot}
      style={{ width: size, height: size, backgroundColor: colors[light] }}
    />
  );
  return title ? <Tooltip title={title}>{dot}</Tooltip> : dot;
}
