import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import type {
  IncidentUrgency,
  TriggerIncidentResult,
} from '@slipway/plugin-on-call-common';
import { onCallApiRef } from '../../api';
import { errorText } from './IncidentList';

/** Props of {@link TriggerIncidentDialog}. */
export interface TriggerIncidentDialogProps {
  open: boolean;
  entityRef: string;
  /** Shown in the confirmation, e.g. "Ledger". */
  entityTitle: string;
  /** Who will be paged (level 1 now), for the confirmation. */
  pagedName?: string;
  onClose: () => void;
  onTriggered: (result: TriggerIncidentResult) => void;
}

const TITLE_MAX = 255;

/**
 * A small form (title, description, urgency), then a confirmation step, then the
 * trigger call. Errors from the backend are shown in the dialog.
 */
export function TriggerIncidentDialog(props: TriggerIncidentDialogProps) {
  const api = useApi(onCallApiRef);
  const [step, setStep] = useState<'form' | 'confirm'>('form');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [urgency, setUrgency] = useState<IncidentUrgency>('high');
  const [titleError, setTitleError] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const reset = () => {
    setStep('form');
    setTitle('');
    setDescription('');
    setUrgency('high');
    setTitleError(undefined);
    setError(undefined);
  };

  const close = () => {
    if (submitting) return;
    reset();
    props.onClose();
  };

  const review = () => {
    if (!title.trim()) {
      setTitleError('Title is required');
      return;
    }
    if (title.trim().length > TITLE_MAX) {
      setTitleError(`At most ${TITLE_MAX} characters`);
      return;
    }
    setTitleError(undefined);
    setStep('confirm');
  };

  const trigger = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      const result = await api.triggerIncident(props.entityRef, {
        title: title.trim(),
        description: description.trim() || undefined,
        urgency,
      });
      reset();
      props.onTriggered(result);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={close}
      fullWidth
      maxWidth="sm"
      aria-labelledby="trigger-incident-title"
    >
      <DialogTitle id="trigger-incident-title">
        {step === 'form'
          ? `Trigger an incident for ${props.entityTitle}`
          : 'Confirm the incident'}
      </DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" style={{ marginBottom: 16 }}>
            {error}
          </Alert>
        )}
        {step === 'form' ? (
          <>
            <TextField
              id="on-call-incident-title"
              label="Title"
              required
              fullWidth
              margin="dense"
              value={title}
              onChange={e => setTitle(e.target.value)}
              error={!!titleError}
              helperText={titleError ?? 'What is wrong, in one line'}
              inputProps={{ maxLength: TITLE_MAX }}
            />
            <TextField
              id="on-call-incident-description"
              label="Description"
              fullWidth
              multiline
              minRows={3}
              margin="dense"
              value={description}
              onChange={e => setDescription(e.target.value)}
              helperText="Impact, since when, links (optional)"
            />
            <FormControl component="fieldset" margin="dense">
              <FormLabel component="legend">Urgency</FormLabel>
              <RadioGroup
                row
                value={urgency}
                onChange={e => setUrgency(e.target.value as IncidentUrgency)}
              >
                <FormControlLabel
                  value="high"
                  control={<Radio />}
                  label="High (page now)"
                />
                <FormControlLabel value="low" control={<Radio />} label="Low" />
              </RadioGroup>
            </FormControl>
          </>
        ) : (
          <DialogContentText component="div">
            <p>
              Trigger a <strong>{urgency}-urgency</strong> incident for{' '}
              <strong>{props.entityTitle}</strong>?
            </p>
            <p>
              <strong>{title.trim()}</strong>
              {description.trim() && (
                <>
                  <br />
                  {description.trim()}
                </>
              )}
            </p>
            <p>
              {props.pagedName
                ? `${props.pagedName} (on call, level 1) will be paged.`
                : 'Nobody is on call at level 1 right now.'}
            </p>
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        {step === 'form' ? (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button color="primary" variant="contained" onClick={review}>
              Review
            </Button>
          </>
        ) : (
          <>
            <Button onClick={() => setStep('form')} disabled={submitting}>
              Back
            </Button>
            <Button
              color="secondary"
              variant="contained"
              onClick={trigger}
              disabled={submitting}
            >
              {submitting ? 'Triggering…' : 'Trigger incident'}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
