import type { Ctx } from '../../context.js';
import { legacyKeyOf } from '../auth/service.js';
import type { ProjectRow } from '../projects/service.js';
import { setup, type MlEndpoint } from './client.js';

/** How Label Studio names a project to a backend: "<id>.<unix time of creation>". */
export const projectUid = (p: Pick<ProjectRow, 'id' | 'created_at'>) => `${p.id}.${Math.floor(new Date(p.created_at).getTime() / 1000)}`;

export interface SetupTarget extends MlEndpoint {
  hostname: string;
  extra_params: Record<string, unknown> | null;
  auto_update: boolean;
  model_version: string;
}

/**
 * `/setup` (Label Studio's payload of §7.1): the project's config, how to reach this server and the
 * legacy token of the project's creator (else `fallbackUserId`), so the backend can fetch task data.
 * Answers the backend's model version ('' when it names none).
 */
export async function setupBackend(ctx: Ctx, target: SetupTarget, project: ProjectRow, fallbackUserId: number | null): Promise<string> {
  const tokenOwner = project.created_by ?? fallbackUserId;
  const answer = await setup(target, {
    project: projectUid(project),
    schema: project.label_config,
    hostname: target.hostname,
    access_token: tokenOwner ? await legacyKeyOf(ctx, tokenOwner) : '',
    // a backend that updates itself reports its newest version; otherwise the one the user chose is asked for
    model_version: target.auto_update || !target.model_version ? null : target.model_version,
    extra_params: target.extra_params,
  });
  return answer.model_version ?? '';
}
