import { z } from 'zod';
import { httpUrl, lsBool } from '../../wire.js';

const url = httpUrl;

const fields = {
  url,
  title: z.string().max(500).nullish(),
  description: z.string().nullish(),
  is_interactive: lsBool.optional(),
  auth_method: z.enum(['NONE', 'BASIC_AUTH']).optional(),
  basic_auth_user: z.string().nullish(),
  basic_auth_pass: z.string().nullish(),
  extra_params: z.record(z.string(), z.unknown()).nullish(),
  timeout: z.coerce.number().positive().max(3600).optional(),
  model_version: z.string().nullish(),
  auto_update: lsBool.optional(),
};

export const MlBackendCreateBody = z.object({ project: z.coerce.number({ error: 'This field is required.' }).int(), ...fields }).loose();
export type MlBackendCreate = z.infer<typeof MlBackendCreateBody>;

export const MlBackendUpdateBody = z.object(fields).partial().loose();
export type MlBackendUpdate = z.infer<typeof MlBackendUpdateBody>;

export const MlListQuery = z.object({ project: z.coerce.number().int().optional(), is_interactive: lsBool.optional() });

export const PredictQuery = z.object({ batch_size: z.coerce.number().int().min(1).max(1000).optional() });

export const InteractiveBody = z.object({ task: z.coerce.number().int(), context: z.unknown().optional() }).loose();

export const TrainBody = z.object({ use_ground_truth: lsBool.optional() }).loose();
