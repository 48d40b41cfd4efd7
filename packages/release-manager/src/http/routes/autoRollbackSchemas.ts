import { z } from 'zod';
import { dns, person } from '../schemas';

const minutes = (field: string) =>
  z
    .number({ error: `${field} must be a whole number of minutes` })
    .int(`${field} must be a whole number of minutes`)
    .min(1, `${field} must be at least 1 (minutes)`)
    .max(1440, `${field} must be at most 1440 (minutes, one day)`);

/** `PATCH /policies/auto-rollback` body: at least one trigger. */
export const applyAutoRollbackSchema = z
  .object({
    service: dns('service'),
    environment: dns('environment'),
    onRolloutFailure: z
      .boolean({ error: 'onRolloutFailure must be true or false' })
      .optional(),
    notReadyWithinMinutes: minutes('notReadyWithinMinutes').optional(),
    healthRedWithinMinutes: minutes('healthRedWithinMinutes').optional(),
    ...person,
  })
  .refine(
    b =>
      b.onRolloutFailure === true ||
      b.notReadyWithinMinutes !== undefined ||
      b.healthRedWithinMinutes !== undefined,
    {
      message:
        'at least one trigger is required: onRolloutFailure, notReadyWithinMinutes or healthRedWithinMinutes',
    },
  );

/** `DELETE /policies/auto-rollback` and `POST /auto-release/resume` bodies. */
export const serviceEnvironmentSchema = z.object({
  service: dns('service'),
  environment: dns('environment'),
  ...person,
});
