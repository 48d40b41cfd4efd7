import {
  Avatar,
  Box,
  Chip,
  List,
  ListItem,
  ListItemAvatar,
  ListItemText,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  EntityOnCall,
  OnCallPerson,
  OnCallShift,
} from '@slipway/plugin-on-call-common';
import { absoluteTime, relativeTime } from '../format';

const useStyles = makeStyles(theme => ({
  level: { marginTop: theme.spacing(1) },
  avatar: {
    backgroundColor: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
  },
  next: { color: theme.palette.text.secondary },
}));

function initials(name: string): string {
  const parts = name
    .replace(/^user:(\w+\/)?/, '')
    .split(/[\s.]+/)
    .filter(Boolean);
  return parts
    .slice(0, 2)
    .map(p => p[0]!.toUpperCase())
    .join('');
}

/** A person's name, linked to the catalog when they are a catalog user, else to the provider. */
export function PersonName(props: { person: OnCallPerson }) {
  const { person } = props;
  if (person.ref) {
    return <EntityRefLink entityRef={person.ref} title={person.name} />;
  }
  if (person.url) return <Link to={person.url}>{person.name}</Link>;
  return <>{person.name}</>;
}

function Until(props: { shift: OnCallShift }) {
  const { shift } = props;
  if (!shift.end) return <>on call with no hand-off scheduled</>;
  return (
    <Tooltip title={absoluteTime(shift.end)}>
      <span>
        until {relativeTime(shift.end)} ({absoluteTime(shift.end)})
      </span>
    </Tooltip>
  );
}

/**
 * Every escalation level of an on-call answer: who is on call now (name, e-mail, until
 * when) and who is next.
 */
export function OnCallLevels(props: { onCall: EntityOnCall }) {
  const classes = useStyles();
  const { onCall } = props;
  if (onCall.levels.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nobody is on call in {onCall.schedule.name}.
      </Typography>
    );
  }
  return (
    <>
      {onCall.levels.map(level => (
        <Box
          key={level.level}
          className={classes.level}
          data-testid={`on-call-level-${level.level}`}
        >
          <Typography variant="overline" component="h3">
            Level {level.level}
            {level.name ? ` · ${level.name}` : ''}
          </Typography>
          {level.now.length === 0 && (
            <Typography variant="body2" color="textSecondary">
              Nobody is on call at this level right now.
            </Typography>
          )}
          <List dense disablePadding>
            {level.now.map((shift, i) => (
              <ListItem key={`${shift.person.name}-${i}`} disableGutters>
                <ListItemAvatar>
                  <Avatar className={classes.avatar}>
                    {initials(shift.person.name)}
                  </Avatar>
                </ListItemAvatar>
                <ListItemText
                  primary={
                    <>
                      <PersonName person={shift.person} />
                      {shift.override && (
                        <Chip
                          size="small"
                          label="override"
                          style={{ marginLeft: 8 }}
                        />
                      )}
                    </>
                  }
                  secondary={
                    <>
                      {shift.person.email && (
                        <>
                          <Link to={`mailto:${shift.person.email}`}>
                            {shift.person.email}
                          </Link>
                          {' · '}
                        </>
                      )}
                      <Until shift={shift} />
                    </>
                  }
                />
              </ListItem>
            ))}
          </List>
          {level.next.length > 0 && (
            <Typography variant="body2" className={classes.next}>
              Next:{' '}
              {level.next.map((shift, i) => (
                <span key={`${shift.person.name}-${i}`}>
                  {i > 0 && ', '}
                  <PersonName person={shift.person} />
                </span>
              ))}
              {level.next[0].start &&
                ` from ${relativeTime(level.next[0].start)} (${absoluteTime(
                  level.next[0].start,
                )})`}
            </Typography>
          )}
        </Box>
      ))}
    </>
  );
}
