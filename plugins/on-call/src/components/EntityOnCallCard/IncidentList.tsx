import { useState } from 'react';
import {
  Box,
  Button,
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Incident } from '@slipway/plugin-on-call-common';
import { onCallApiRef } from '../../api';
import { absoluteTime, relativeTime } from '../format';

function errorText(e: unknown): string {
  const err = e as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return err?.body?.error?.message ?? err?.message ?? String(e);
}

/** Someone as a link when it is an entity ref, else as text. */
function Who(props: { who: string }) {
  return props.who.startsWith('user:') ? (
    <EntityRefLink entityRef={props.who} defaultKind="user" />
  ) : (
    <>{props.who}</>
  );
}

/**
 * The open incidents of an entity, with links to the provider and, for embedded
 * incidents, Acknowledge and Resolve buttons. Calls `onChanged` after a change.
 */
export function IncidentList(props: {
  incidents: Incident[];
  onChanged: () => void;
}) {
  const api = useApi(onCallApiRef);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  const act = async (incident: Incident, verb: 'acknowledge' | 'resolve') => {
    setBusy(incident.id);
    setError(undefined);
    try {
      if (verb === 'acknowledge') await api.acknowledgeIncident(incident.id);
      else await api.resolveIncident(incident.id);
      props.onChanged();
    } catch (e) {
      setError(`Could not ${verb} "${incident.title}": ${errorText(e)}`);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      {error && (
        <Alert severity="error" onClose={() => setError(undefined)}>
          {error}
        </Alert>
      )}
      {props.incidents.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No open incidents.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Open incidents">
          {props.incidents.map(incident => (
            <ListItem key={incident.id} disableGutters divider>
              <ListItemText
                primary={
                  <Box
                    display="flex"
                    alignItems="center"
                    flexWrap="wrap"
                    style={{ gap: 6 }}
                  >
                    {incident.url ? (
                      <Link to={incident.url}>{incident.title}</Link>
                    ) : (
                      <span>{incident.title}</span>
                    )}
                    <Chip
                      size="small"
                      label={incident.status}
                      color={
                        incident.status === 'triggered'
                          ? 'secondary'
                          : 'default'
                      }
                    />
                    <Chip
                      size="small"
                      variant="outlined"
                      label={`${incident.urgency} urgency`}
                    />
                  </Box>
                }
                secondary={
                  <>
                    <span title={absoluteTime(incident.createdAt)}>
                      Triggered {relativeTime(incident.createdAt)}
                    </span>
                    {incident.triggeredBy && (
                      <>
                        {' by '}
                        <Who who={incident.triggeredBy} />
                      </>
                    )}
                    {incident.acknowledgedBy && (
                      <>
                        {' · acknowledged by '}
                        <Who who={incident.acknowledgedBy} />
                      </>
                    )}
                  </>
                }
              />
              {incident.canUpdate && (
                <Box display="flex" flexShrink={0} ml={1}>
                  {incident.status === 'triggered' && (
                    <Button
                      size="small"
                      disabled={busy === incident.id}
                      onClick={() => act(incident, 'acknowledge')}
                      aria-label={`Acknowledge ${incident.title}`}
                    >
                      Acknowledge
                    </Button>
                  )}
                  <Button
                    size="small"
                    color="primary"
                    disabled={busy === incident.id}
                    onClick={() => act(incident, 'resolve')}
                    aria-label={`Resolve ${incident.title}`}
                  >
                    Resolve
                  </Button>
                </Box>
              )}
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}

export { errorText };
